#pragma once

#include <oneai/config.hpp>
#include <oneai/step_output.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::json {
class value;
}

namespace oneai {

/// The queue figures the service reports with a result.
struct result_stats {
    double concurrency_wait_time = 0; ///< seconds the task waited QUEUED
    long total_running_jobs = 0;      ///< jobs running when it started
    long total_waiting_jobs = 0;      ///< jobs waiting when it started
};

/// A pipeline result, parsed from either shape the API writes
/// (`output_type:"json"` or legacy). Outputs are found by step, never by
/// position: the service omits the input entry when a generator comes first.
///
/// A value; copies share the JSON text and tree, read-only. A result may be
/// read from several threads at once.
class ONEAI_API result {
  public:
    std::vector<utterance> input;     ///< the text the pipeline ran on
    std::vector<step_output> outputs; ///< in the API's order
    result_stats stats;               ///< the service's queue figures
    std::vector<result> rows;         ///< CSV input: one result per row

    /// The output of the step with this skill name, or of the input ("input");
    /// null when there is none. Points into `outputs`.
    const step_output* output_of(std::string_view step_name) const;
    /// The generated summary text, if summarize ran.
    std::optional<std::string> summary() const;
    /// Labels of one skill across all outputs, pointing into them.
    std::vector<const label*> labels_of(std::string_view skill) const;

    /// The whole result as received, for fields this type does not model;
    /// null when there is none. A result decoded from a status answer owns the
    /// tree the answer was parsed into (moved, not copied): raw() costs nothing.
    /// A result that has only its text (a batch's, which reads answers without
    /// a tree) parses raw_json() on first use, once even across threads.
    /// Copies of the tree (`boost::json::value v = r.raw();`) come from the
    /// heap, are independent of the result and may be made from several
    /// threads.
    const boost::json::value& raw() const;
    /// The whole result as JSON text, for passing it on without a parse and
    /// a serialisation (empty when there is none).
    const std::string& raw_json() const;
    /// Sets the result's JSON text; raw() will parse it on first use.
    void set_raw_json(std::string json);
    /// Sets the result's JSON text and its parsed tree, which raw() then
    /// returns as it is. `tree` is moved in and kept when its storage is the
    /// default one or shared (owned by the tree, e.g. from
    /// `boost::json::make_shared_resource`); a tree in memory a caller owns
    /// (a `monotonic_resource` on the stack) may not outlive the call and is
    /// dropped: raw() then parses `json`.
    void set_raw(boost::json::value&& tree, std::string json);

  private:
    // Shared by copies, which stay cheap; without a tree given, it is built
    // only if asked for.
    struct ONEAI_LOCAL raw_text;
    std::shared_ptr<raw_text> raw_;
};

} // namespace oneai
