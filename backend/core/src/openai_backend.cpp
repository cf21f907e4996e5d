// OpenAIBackend::run: streaming requests over one libcurl multi handle on the
// calling thread (see moecut/openai_backend.h for the policy).
#include "curl_http.h"
#include "moecut/openai_backend.h"
#include "moecut/sse_parser.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <vector>

namespace moecut {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Transfer {
    const CompletionRequest* req = nullptr;
    std::string url, body;
    CompletionResult result;
    StreamDecoder decoder{result};
    SseParser sse;
    StreamDelta delta;
    curl::Easy easy;
    char errbuf[CURL_ERROR_SIZE] = {0};
    Clock::time_point first_start, attempt_start, deadline, next_try;
    bool has_deadline = false;
    bool streaming = false;  // an SSE event arrived on a 200: no more retries
    bool aborted = false;
    long status = 0;
    std::string error_body;
    const OpenAIBackend::DeltaFn* on_delta = nullptr;
    std::exception_ptr* failure = nullptr;  // an exception thrown by a callback
};

size_t on_write(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t bytes = size * n;
    if (t->status == 0) curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &t->status);
    if (t->status != 200) {
        if (t->error_body.size() < 1000) t->error_body.append(data, std::min<size_t>(bytes, 1000 - t->error_body.size()));
        return bytes;
    }
    try {
        t->sse.feed(std::string_view(data, bytes), [t](const SseEvent& e) {
            if (t->aborted || t->decoder.done()) return;
            t->streaming = true;
            if (!t->decoder.on_data(e.data, t->delta)) return;
            if (t->result.ttft_s < 0) t->result.ttft_s = seconds(Clock::now() - t->attempt_start);
            if (*t->on_delta && !(*t->on_delta)(t->req->id, t->delta.text, t->delta.token_ids)) t->aborted = true;
        });
    } catch (...) {
        *t->failure = std::current_exception();
        return 0;
    }
    return t->aborted ? 0 : bytes;  // 0 ends the transfer and closes the connection
}

bool retryable(CURLcode rc) {
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_GOT_NOTHING ||
           rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_OPERATION_TIMEDOUT;
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s.size() > 300 ? s.substr(0, 300) + "..." : s;
}

class Runner {
public:
    Runner(const OpenAIBackendOptions& o, const OpenAIBackend::DoneFn& done, const OpenAIBackend::DeltaFn& delta)
        : opt_(o), on_done_(done), on_delta_(delta), headers_(curl::make_headers(o.api_key_env, true)) {
        multi_ = curl_multi_init();
        if (multi_ == nullptr) throw std::bad_alloc();
    }
    ~Runner() {
        for (auto& t : active_)
            if (t) curl_multi_remove_handle(multi_, t->easy.get());
        curl_multi_cleanup(multi_);
    }

    void run(std::vector<std::unique_ptr<Transfer>> todo) {
        std::size_t next = 0, finished = 0, total = todo.size();
        while (finished < total) {
            auto now = Clock::now();
            for (auto it = waiting_.begin(); it != waiting_.end() && in_flight() < opt_.concurrency;) {
                if ((*it)->next_try <= now) {
                    auto t = std::move(*it);
                    it = waiting_.erase(it);
                    finished += start(std::move(t));
                } else {
                    ++it;
                }
            }
            while (in_flight() < opt_.concurrency && next < total) finished += start(std::move(todo[next++]));
            int running = 0;
            curl_multi_perform(multi_, &running);
            rethrow();
            int left = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
                if (msg->msg != CURLMSG_DONE) continue;
                finished += attempt_done(msg->easy_handle, msg->data.result);
            }
            if (finished == total) break;
            int wait_ms = 100;
            for (auto& t : waiting_)
                wait_ms = std::clamp(static_cast<int>(std::ceil(seconds(t->next_try - Clock::now()) * 1000)), 0, wait_ms);
            curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
        }
    }

private:
    int in_flight() const { return static_cast<int>(std::count_if(active_.begin(), active_.end(), [](auto& t) { return t != nullptr; })); }

    void rethrow() {
        if (failure_) std::rethrow_exception(failure_);
    }

    // Starts an attempt, or finishes the request as a timeout; returns 1 when finished.
    int start(std::unique_ptr<Transfer> t) {
        auto now = Clock::now();
        if (t->result.attempts == 0) {
            t->first_start = now;
            t->has_deadline = opt_.request_timeout_s > 0;
            t->deadline = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt_.request_timeout_s));
        }
        if (t->has_deadline && now >= t->deadline) {
            t->result.finish = FinishReason::timeout;
            t->result.error = fmt::format("no answer within {} s (last attempt: {})", opt_.request_timeout_s, t->result.error);
            return finish(std::move(t));
        }
        ++t->result.attempts;
        t->attempt_start = now;
        t->status = 0;
        t->error_body.clear();
        t->sse = SseParser();
        t->errbuf[0] = '\0';
        t->easy.reset(curl_easy_init());
        if (!t->easy) throw std::bad_alloc();
        t->on_delta = &on_delta_;
        t->failure = &failure_;
        CURL* c = t->easy.get();
        curl_easy_setopt(c, CURLOPT_URL, t->url.c_str());
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_.get());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt_.connect_timeout_s * 1000));
        if (t->has_deadline) {
            long ms = std::max(1L, static_cast<long>(std::ceil(seconds(t->deadline - now) * 1000)));
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
        }
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
        curl_easy_setopt(c, CURLOPT_PRIVATE, t.get());
        curl_multi_add_handle(multi_, c);
        for (auto& slot : active_)
            if (!slot) {
                slot = std::move(t);
                return 0;
            }
        active_.push_back(std::move(t));
        return 0;
    }

    // One attempt ended; returns 1 when the request is finished.
    int attempt_done(CURL* easy, CURLcode rc) {
        auto slot = std::find_if(active_.begin(), active_.end(), [&](auto& t) { return t && t->easy.get() == easy; });
        std::unique_ptr<Transfer> t = std::move(*slot);
        curl_multi_remove_handle(multi_, easy);
        rethrow();
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        CompletionResult& r = t->result;
        r.http_status = static_cast<int>(status);
        auto now = Clock::now();
        const bool can_retry = !t->streaming && r.attempts <= opt_.max_retries;
        if (t->aborted) {
            r.finish = FinishReason::aborted;
        } else if (rc == CURLE_OK && status == 200) {
            t->sse.finish([&](const SseEvent& e) {
                if (!t->decoder.done() && t->decoder.on_data(e.data, t->delta) && *t->on_delta)
                    (*t->on_delta)(t->req->id, t->delta.text, t->delta.token_ids);
            });
            t->decoder.end_of_stream();
        } else if (rc == CURLE_OK && (status == 429 || status == 503) && can_retry) {
            curl_off_t after = 0;
            curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &after);
            r.error = fmt::format("HTTP {}", status);
            return retry(std::move(t), static_cast<double>(after));
        } else if (rc == CURLE_OK) {
            r.finish = FinishReason::error;
            r.error = fmt::format("HTTP {}: {}", status, one_line(t->error_body));
        } else if (rc == CURLE_OPERATION_TIMEDOUT && t->has_deadline && now >= t->deadline - std::chrono::milliseconds(5)) {
            r.finish = FinishReason::timeout;
            r.error = fmt::format("no finish within {} s", opt_.request_timeout_s);
        } else if (retryable(rc) && can_retry) {
            r.error = one_line(t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
            return retry(std::move(t), 0);
        } else if (r.finish != FinishReason::none && t->decoder.done()) {
            // the stream had ended (finish_reason and [DONE] or an error event) before the transport failed
        } else {
            r.finish = FinishReason::error;
            std::string why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
            r.error = one_line(fmt::format("{}{}", why, t->streaming ? " (after the stream started; not retried)" : ""));
        }
        return finish(std::move(t));
    }

    int retry(std::unique_ptr<Transfer> t, double retry_after_s) {
        double delay = opt_.backoff_initial_s * std::pow(2.0, t->result.attempts - 1);
        delay = std::min(opt_.backoff_max_s, std::max(delay, retry_after_s));
        t->next_try = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
        if (t->has_deadline) t->next_try = std::min(t->next_try, t->deadline);
        t->easy.reset();
        waiting_.push_back(std::move(t));
        return 0;
    }

    int finish(std::unique_ptr<Transfer> t) {
        t->result.total_s = seconds(Clock::now() - t->first_start);
        t->easy.reset();
        on_done_(std::move(t->result));
        return 1;
    }

    const OpenAIBackendOptions& opt_;
    const OpenAIBackend::DoneFn& on_done_;
    const OpenAIBackend::DeltaFn& on_delta_;
    curl::Headers headers_;
    CURLM* multi_ = nullptr;
    std::vector<std::unique_ptr<Transfer>> active_;   // slots; null = free
    std::vector<std::unique_ptr<Transfer>> waiting_;  // backing off before a retry
    std::exception_ptr failure_;
};

} // namespace

void OpenAIBackend::run(std::span<const CompletionRequest> requests, const DoneFn& on_done, const DeltaFn& on_delta) {
    const ServerProbe& p = probe();
    std::vector<std::unique_ptr<Transfer>> todo;
    todo.reserve(requests.size());
    for (const CompletionRequest& r : requests) {
        auto t = std::make_unique<Transfer>();
        t->req = &r;
        t->result.id = r.id;
        t->body = build_request_body(opt_.kind, p.model, r).dump();
        t->url = opt_.base_url + request_path(r);
        todo.push_back(std::move(t));
    }
    Runner runner(opt_, on_done, on_delta);
    runner.run(std::move(todo));
}

} // namespace moecut
