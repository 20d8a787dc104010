#include "api_router.hpp"

#include "api_failure.hpp"
#include "pipeline_runner.hpp"
#include "random_stream.hpp"
#include "time_text.hpp"
#include "utf8_text.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cmath>

namespace oneai::emulator::detail {
namespace json = boost::json;
namespace {

constexpr std::string_view api_prefix = "/api/v0/pipeline";

struct route {
    enum class kind {
        sync_run,
        submit,
        upload_submit,
        upload_sync,
        task_status,
        signed_url,
        stats,
        none
    };
    kind what = kind::none;
    http::verb method = http::verb::unknown;
    std::string_view task_id;
};

route match(std::string_view path) {
    using enum route::kind;
    if (path == "/emulator/stats")
        return {stats, http::verb::get, {}};
    if (!path.starts_with(api_prefix))
        return {};
    std::string_view rest = path.substr(api_prefix.size());
    if (rest.empty() || rest == "/")
        return {sync_run, http::verb::post, {}};
    if (rest == "/async")
        return {submit, http::verb::post, {}};
    if (rest == "/async/file")
        return {upload_submit, http::verb::post, {}};
    if (rest == "/file")
        return {upload_sync, http::verb::post, {}};
    if (rest == "/signed_url")
        return {signed_url, http::verb::get, {}};
    constexpr std::string_view tasks = "/async/tasks/";
    if (rest.starts_with(tasks) && rest.size() > tasks.size() &&
        rest.find('/', tasks.size()) == std::string_view::npos)
        return {task_status, http::verb::get, rest.substr(tasks.size())};
    return {};
}

json::object error_body(const api_error& e) {
    return {{"status_code", e.code}, {"message", e.message}, {"details", e.details}};
}

} // namespace

api_router::api_router(const config& cfg, task_store& store, emulator_stats& stats,
                       steady_time started)
    : cfg_(cfg), store_(store), stats_(stats),
      fault_rng_(random_generator(cfg.seed, random_stream::request_faults)), started_(started) {}

bool api_router::draw(double probability) {
    return probability > 0 && std::bernoulli_distribution(std::min(1.0, probability))(fault_rng_);
}

http_response api_router::json_response(unsigned status, std::string body,
                                        const http_request& req) {
    http_response res{static_cast<http::status>(status), req.version()};
    res.set(http::field::server, "oneai-emulator");
    res.set(http::field::content_type, "application/json");
    res.set("x-oneai-request-id", store_.new_id().to_string());
    res.keep_alive(req.keep_alive());
    // Validation keeps text inputs UTF-8; this catches what it cannot (a
    // percent-decoded path echoed in an error), so every answer is valid JSON.
    if (first_invalid_utf8(body))
        body = replace_invalid_utf8(body);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http_response api_router::error_response(const api_error& e, const http_request& req) {
    json::object body = error_body(e);
    std::string request_id = store_.new_id().to_string();
    body["request_id"] = request_id;
    http_response res = json_response(e.http_status, json::serialize(body), req);
    res.set("x-oneai-request-id", request_id);
    if (e.http_status == 429 && cfg_.retry_after.count() > 0)
        res.set(http::field::retry_after, retry_after_value());
    if (e.http_status == 405)
        res.set(http::field::allow, e.details.substr(e.details.rfind(' ') + 1));
    return res;
}

http_response api_router::error_response(int code, std::string details, unsigned version) {
    http_request req{http::verb::get, "/", version};
    req.keep_alive(false);
    return error_response(make_api_error(code, std::move(details)), req);
}

std::string api_router::retry_after_value() const {
    if (cfg_.retry_after_form == config::retry_after_format::seconds)
        return std::to_string(cfg_.retry_after.count());
    // A date has whole seconds: rounded up, so it never asks for less than configured.
    const std::int64_t due_us =
        unix_micros_now() + std::chrono::microseconds(cfg_.retry_after).count();
    return format_http_date((due_us + 999'999) / 1'000'000, cfg_.retry_after_form);
}

api_router::fault_plan api_router::plan_faults(const http_request& req) {
    const fault_config& f = cfg_.faults;
    fault_plan plan;
    // Drawn whether or not they are used: the Nth request's faults depend on
    // the seed and N only.
    plan.http_500 = draw(f.http_500_rate);
    plan.http_503 = draw(f.http_503_rate);
    plan.reset = draw(f.reset_rate);
    plan.slow = draw(f.slow_rate);
    ++api_requests_;
    const bool is_post = req.method() == http::verb::post;
    const std::uint64_t of_kind = is_post ? ++posts_ : ++gets_;
    for (const scheduled_fault& s : f.scheduled) {
        using kind = scheduled_fault::request_kind;
        const bool named = s.of == kind::any ? s.nth == api_requests_
                                             : (s.of == kind::post) == is_post && s.nth == of_kind;
        if (!named)
            continue;
        plan = fault_plan{};
        plan.scheduled = true;
        using effect = scheduled_fault::effect;
        plan.http_429 = s.what == effect::http_429;
        plan.http_500 = s.what == effect::http_500;
        plan.http_503 = s.what == effect::http_503;
        plan.reset = s.what == effect::reset;
        plan.slow = s.what == effect::slow;
        ++stats_.injected_scheduled;
        break;
    }
    return plan;
}

std::optional<reply> api_router::refuse_by_fault(const http_request& req, const fault_plan& plan,
                                                 bool is_submit, steady_time now) {
    const fault_config& f = cfg_.faults;
    if (plan.http_429) {
        ++stats_.injected_429;
        return reply{error_response(make_api_error(60009, "injected 429"), req)};
    }
    if (!plan.scheduled && is_submit && f.storm_length.count() > 0 && f.storm_every.count() > 0) {
        auto phase =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - started_) % f.storm_every;
        if (phase < f.storm_length) {
            ++stats_.injected_storm_429;
            return reply{error_response(make_api_error(60009, "injected 429 storm"), req)};
        }
    }
    if (plan.http_500) {
        ++stats_.injected_500;
        return reply{error_response(make_api_error(50000, "injected server error"), req)};
    }
    if (plan.http_503) {
        ++stats_.injected_503;
        return reply{error_response(make_api_error(50002, "injected overload"), req)};
    }
    return std::nullopt;
}

reply api_router::handle(const http_request& req, steady_time now) {
    ++stats_.http_requests;
    auto target = boost::urls::parse_origin_form(req.target());
    if (!target)
        return {error_response(make_api_error(emulator_codes::malformed_http,
                                              "the request target is not a valid path"),
                               req)};
    const std::string path = target->path();
    const route r = match(path);
    if (r.what == route::kind::none)
        return {error_response(
            make_api_error(emulator_codes::route_not_found, "no endpoint at " + path), req)};
    if (req.method() != r.method) {
        std::string allowed(http::to_string(r.method));
        return {
            error_response(make_api_error(emulator_codes::method_not_allowed,
                                          std::string(req.method_string()) + " is not allowed on " +
                                              path + "; allowed: " + allowed),
                           req)};
    }
    if (r.what == route::kind::stats)
        return {json_response(
            200,
            json::serialize(stats_.to_json(store_.queued(), store_.running(), store_.stored())),
            req)};

    // Authentication: any non-empty key unless keys were configured. The key
    // itself is never logged or echoed.
    auto key_field = req.find("api-key");
    std::string key = key_field == req.end() ? std::string{} : std::string(key_field->value());
    if (key.empty())
        return {
            error_response(make_api_error(60001, "send your key in the 'api-key' header"), req)};
    if (!cfg_.api_keys.empty() &&
        std::find(cfg_.api_keys.begin(), cfg_.api_keys.end(), key) == cfg_.api_keys.end())
        return {error_response(
            make_api_error(60002, "the key in the 'api-key' header is not known"), req)};

    if (r.what == route::kind::signed_url)
        return {
            error_response(make_api_error(emulator_codes::route_not_found,
                                          "signed_url is not supported by the emulator; upload to "
                                          "/api/v0/pipeline/async/file instead"),
                           req)};

    const bool is_submit = r.what != route::kind::task_status;
    const fault_plan faults = plan_faults(req);
    if (auto refused = refuse_by_fault(req, faults, is_submit, now))
        return std::move(*refused);

    reply out;
    try {
        switch (r.what) {
        case route::kind::task_status:
            out = task_status(req, r.task_id, key, now);
            break;
        case route::kind::sync_run:
        case route::kind::submit:
            out = submit(req, parse_json_body(req.body(), limits()), key,
                         r.what == route::kind::sync_run, now);
            break;
        default: {
            auto params = target->params();
            auto pipeline = params.find("pipeline");
            std::string query =
                pipeline == params.end() ? std::string{} : std::string((*pipeline).value);
            out = submit(req, parse_upload(query, req.body(), limits()), key,
                         r.what == route::kind::upload_sync, now);
            break;
        }
        }
    } catch (const api_failure& failure) {
        return {error_response(failure.error(), req)};
    } catch (const std::exception& e) {
        // A bug or an exhausted resource fails this request, not the server.
        return {error_response(
            make_api_error(50000, std::string("the emulator failed on this request: ") + e.what()),
            req)};
    } catch (...) {
        return {error_response(make_api_error(50000, "the emulator failed on this request"), req)};
    }
    if (faults.reset) {
        ++stats_.injected_resets;
        out.reset = true;
    } else if (faults.slow) {
        ++stats_.injected_slow;
        out.delay = cfg_.faults.slow_delay;
    }
    return out;
}

reply api_router::submit(const http_request& req, stored_request stored, const std::string& key,
                         bool sync, steady_time now) {
    // The whole server is out of room, not this key: 503, which clients retry.
    if (store_.full()) {
        ++stats_.rejected_store_full;
        throw api_failure(50002, "the emulator holds " + std::to_string(cfg_.max_stored_tasks) +
                                     " tasks (--max-stored-tasks); retry when some have expired");
    }
    auto id = store_.submit(std::move(stored), key, sync, now, unix_micros_now());
    if (!id)
        throw api_failure(60009, "this key already has " +
                                     std::to_string(cfg_.max_concurrent_jobs) +
                                     " jobs queued or running");
    if (sync) {
        reply r{json_response(200, {}, req)};
        r.await_sync = *id;
        return r;
    }
    json::object body{{"status", "QUEUED"}, {"task_id", id->to_string()}};
    return {json_response(cfg_.submit_status_202 ? 202 : 200, json::serialize(body), req)};
}

namespace {

struct computed_result {
    std::optional<pipeline_outcome> outcome;
    std::optional<api_error> error;
};

// Any exception fails the task (50000) rather than the request or the server.
computed_result compute(const task_record& task, pipeline_function runner,
                        const request_limits& limits) {
    computed_result out;
    if (task.injected_failure) {
        out.error = make_api_error(50000, "injected task failure");
        return out;
    }
    queue_snapshot queue{std::chrono::duration<double>(task.started - task.created).count(),
                         task.running_at_start, task.waiting_at_start};
    try {
        out.outcome = runner(load_request(task.request, limits), queue);
    } catch (const api_failure& f) {
        out.error = f.error();
    } catch (const std::exception& e) {
        out.error = make_api_error(50000, std::string("processing failed: ") + e.what());
    } catch (...) {
        out.error = make_api_error(50000, "processing failed");
    }
    return out;
}

void set_usage_headers(http_response& res, const pipeline_outcome& outcome) {
    res.set("x-oneai-word-count", std::to_string(outcome.input_words));
    if (outcome.media_seconds > 0)
        res.set("x-oneai-transcribe-seconds-count",
                std::to_string(static_cast<long long>(std::ceil(outcome.media_seconds))));
}

} // namespace

reply api_router::task_status(const http_request& req, std::string_view id_text,
                              const std::string& key, steady_time now) {
    auto id = task_id::parse(id_text);
    // With configured keys, a task belongs to the key that submitted it: any
    // other key gets the answer an unknown id gets.
    const std::string* requester = cfg_.api_keys.empty() ? nullptr : &key;
    const task_record* task = id ? store_.poll(*id, now, requester) : nullptr;
    if (!task)
        throw api_failure(emulator_codes::task_not_found,
                          "no task " + std::string(id_text) + " (never submitted, or expired)");
    json::object body{{"task_id", id->to_string()},
                      {"status", to_string(task->state)},
                      {"creation_time", format_iso_utc(task->created_unix_us)},
                      {"completion_time", nullptr},
                      {"result", nullptr},
                      {"error", nullptr}};
    if (!task->finished_state())
        return {json_response(200, json::serialize(body), req)};
    body["completion_time"] = format_iso_utc(task->finished_unix_us());
    computed_result c = compute(*task, store_.runner, limits());
    if (c.error) {
        // FAILED even when the task had completed: its result could not be made now.
        body["status"] = to_string(task_state::failed);
        // Both places by default: One AI's documentation says `error`, its SDKs
        // read `result`. A strict mode keeps only one of them.
        json::object err = error_body(*c.error);
        err["request_id"] = id->to_string();
        using field = config::failed_error_field;
        if (cfg_.failed_error_in != field::error_only)
            body["result"] = err;
        if (cfg_.failed_error_in != field::result_only)
            body["error"] = std::move(err);
        return {json_response(200, json::serialize(body), req)};
    }
    body["result"] = std::move(c.outcome->result);
    http_response res = json_response(200, json::serialize(body), req);
    set_usage_headers(res, *c.outcome);
    return {std::move(res)};
}

reply api_router::finish_sync(const task_id& id, unsigned version, bool keep_alive) {
    http_request req{http::verb::post, "/", version};
    req.keep_alive(keep_alive);
    const task_record* task = store_.find(id);
    if (!task) // the server was stopped under the run
        return {error_response(make_api_error(50000, "the run was abandoned"), req)};
    computed_result c = compute(*task, store_.runner, limits());
    store_.erase(id);
    if (c.error)
        return {error_response(*c.error, req)};
    http_response res = json_response(200, json::serialize(c.outcome->result), req);
    set_usage_headers(res, *c.outcome);
    return {std::move(res)};
}

} // namespace oneai::emulator::detail
