// OpenAIBackend: options, the start-of-run server probe and request bodies
// (see moecut/openai_backend.h; the transfer loop is in openai_backend.cpp).
#include "curl_http.h"
#include "moecut/error.h"
#include "moecut/openai_backend.h"

#include <fmt/core.h>

namespace moecut {

namespace {

std::string normalise_base_url(std::string url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        throw InputError(fmt::format("--endpoint: '{}' is not an http:// or https:// URL", url));
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0) url.resize(url.size() - 3);
    return url;
}

nlohmann::json parse_or_null(const curl::GetResult& got, std::string_view what, std::vector<std::string>& notes) {
    if (got.status == 0) {
        notes.push_back(fmt::format("GET {}: no response ({})", what, got.error));
        return nullptr;
    }
    if (got.status != 200) {
        notes.push_back(fmt::format("GET {}: HTTP {}", what, got.status));
        return nullptr;
    }
    auto j = nlohmann::json::parse(got.body, nullptr, false);
    if (j.is_discarded()) {
        notes.push_back(fmt::format("GET {}: body is not JSON", what));
        return nullptr;
    }
    return j;
}

} // namespace

nlohmann::json ServerProbe::to_json() const {
    return {{"base_url", base_url}, {"kind", server_kind_name(kind)}, {"model", model},
            {"props", props},       {"models", models},                {"notes", notes}};
}

OpenAIBackend::OpenAIBackend(OpenAIBackendOptions options) : opt_(std::move(options)) {
    opt_.base_url = normalise_base_url(opt_.base_url);
    if (opt_.concurrency < 1) throw InputError(fmt::format("--concurrency must be >= 1, got {}", opt_.concurrency));
    if (opt_.request_timeout_s < 0) throw InputError("request timeout must be >= 0");
    if (opt_.connect_timeout_s <= 0) throw InputError("connect timeout must be > 0");
    if (opt_.max_retries < 0) throw InputError("max retries must be >= 0");
    if (opt_.backoff_initial_s < 0 || opt_.backoff_max_s < opt_.backoff_initial_s)
        throw InputError("backoff: need 0 <= initial <= max");
}

const ServerProbe& OpenAIBackend::probe() {
    if (probe_) return *probe_;
    curl::global_init();
    ServerProbe p;
    p.base_url = opt_.base_url;
    p.kind = opt_.kind;
    auto headers = curl::make_headers(opt_.api_key_env, false);
    double t = std::max(opt_.connect_timeout_s, 10.0);
    if (opt_.kind == ServerKind::llamacpp)
        p.props = parse_or_null(curl::http_get(opt_.base_url + "/props", headers.get(), t), "/props", p.notes);
    p.models = parse_or_null(curl::http_get(opt_.base_url + "/v1/models", headers.get(), t), "/v1/models", p.notes);
    p.model = opt_.model;
    if (p.model.empty()) {
        const nlohmann::json* data = p.models.is_object() && p.models.contains("data") ? &p.models["data"] : nullptr;
        if (data && data->is_array() && !data->empty() && (*data)[0].contains("id") && (*data)[0]["id"].is_string())
            p.model = (*data)[0]["id"].get<std::string>();
        else
            throw InputError(fmt::format("{}: no --served-model given and GET /v1/models lists no model",
                                         opt_.base_url));
    }
    probe_ = std::move(p);
    return *probe_;
}

nlohmann::json OpenAIBackend::request_body(const CompletionRequest& r) {
    return build_request_body(opt_.kind, probe().model, r);
}

} // namespace moecut
