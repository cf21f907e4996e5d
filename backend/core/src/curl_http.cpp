// libcurl helpers (see curl_http.h).
#include "curl_http.h"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace moecut::curl {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    });
}

Headers make_headers(std::string_view api_key_env, bool json_body) {
    curl_slist* list = curl_slist_append(nullptr, "Accept: text/event-stream, application/json");
    if (json_body) {
        list = curl_slist_append(list, "Content-Type: application/json");
        list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for long prompts
    }
    if (!api_key_env.empty()) {
        const char* key = std::getenv(std::string(api_key_env).c_str());
        if (key != nullptr && *key != '\0') {
            std::string line = "Authorization: Bearer ";
            line += key;
            list = curl_slist_append(list, line.c_str());  // curl copies it
            line.assign(line.size(), '\0');                 // leave no copy of the key behind
        }
    }
    if (list == nullptr) throw std::bad_alloc();
    return Headers(list);
}

namespace {
struct Sink {
    std::string* body;
    std::size_t max;
};
size_t write_capped(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t bytes = size * n;
    if (sink->body->size() < sink->max) sink->body->append(data, std::min(bytes, sink->max - sink->body->size()));
    return bytes;
}
} // namespace

GetResult http_get(const std::string& url, const curl_slist* headers, double timeout_s, std::size_t max_body) {
    global_init();
    GetResult out;
    Easy easy(curl_easy_init());
    if (!easy) throw std::bad_alloc();
    char err[CURL_ERROR_SIZE] = {0};
    Sink sink{&out.body, max_body};
    CURL* c = easy.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_capped);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        out.error = err[0] ? err : curl_easy_strerror(rc);
        return out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

} // namespace moecut::curl
