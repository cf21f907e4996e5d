// Small libcurl helpers shared by the OpenAI-compatible backend: one-time
// global init, header lists (with the API key from the environment, never
// copied anywhere else) and a blocking GET for probes.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

namespace moecut::curl {

// curl_global_init once per process (thread-safe).
void global_init();

struct SlistFree {
    void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
using Headers = std::unique_ptr<curl_slist, SlistFree>;

struct EasyFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using Easy = std::unique_ptr<CURL, EasyFree>;

// Accept and (with json_body) Content-Type headers, plus "Authorization:
// Bearer $KEY" when the environment variable api_key_env is set and non-empty.
Headers make_headers(std::string_view api_key_env, bool json_body);

struct GetResult {
    long status = 0;      // 0: no HTTP response
    std::string body;     // at most max_body bytes
    std::string error;    // curl's message when status == 0
};
GetResult http_get(const std::string& url, const curl_slist* headers, double timeout_s,
                   std::size_t max_body = std::size_t{1} << 20);

} // namespace moecut::curl
