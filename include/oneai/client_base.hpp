#pragma once
// The part of every oneai::basic_client that does not depend on its executor
// type: the compiled client (configuration, connections, polling model,
// counters, shutdown) and the one function that starts an operation.
// basic_client<Executor> is a thin inline shell over it; the library's
// components that work with any client (poll_scheduler, batch_engine,
// load::load_generator) take a `client_base&`, so every basic_client fits.

#include <oneai/client_counters.hpp>
#include <oneai/config.hpp>
#include <oneai/detail/operation_launch.hpp>
#include <oneai/diagnostics.hpp>
#include <oneai/observer.hpp>
#include <oneai/options.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace oneai {
namespace detail {
struct client_access;
}

/// The executor-independent core of oneai::basic_client (see client.hpp).
/// Not made on its own: a basic_client is one. A moved-from client holds no
/// state: it may be destroyed or assigned to, its operations complete with
/// errc::client_shutdown, and anything else is undefined (asserted in debug
/// builds).
class ONEAI_API client_base {
  public:
    /// Implementation detail (opaque outside the library's sources).
    struct ONEAI_LOCAL impl;

    client_base(const client_base&) = delete;            ///< Not copyable (movable).
    client_base& operator=(const client_base&) = delete; ///< Not copyable (movable).

    /// The executor the client runs on: the one it was given, or its own
    /// strand over it when options::thread_safe.
    boost::asio::any_io_executor get_executor() const noexcept;
    /// The options the client was made with (the API key and user agent as
    /// they will be sent).
    const options& get_options() const noexcept;
    /// Replaces the hooks; on a thread-safe client, inside its strand (the
    /// operations started after this call see the new hooks).
    void set_observer(observer o);
    /// Not synchronised: read it from the client's executor.
    const observer& get_observer() const noexcept;
    /// A snapshot; safe from any thread.
    client_counters counters() const;

    /// Ends every running operation (with errc::client_shutdown) and closes
    /// pooled connections. Later operations fail at once.
    void shutdown();

  protected:
    /// Throws std::invalid_argument when the base URL cannot be used, or the
    /// API key or user agent holds a control character (the message never
    /// shows the key). A missing API key is reported by each operation
    /// (errc::missing_api_key).
    client_base(boost::asio::any_io_executor executor, options opts);
    /// Shuts the client down (see shutdown()) unless it was moved from.
    ~client_base();
    /// Takes the other client's state; operations in flight go on and
    /// complete as they would have. `other` is left empty.
    client_base(client_base&& other) noexcept;
    /// Shuts this client down (unless it is empty or the same), then takes
    /// the other's state.
    client_base& operator=(client_base&& other);

    /// The client's state, shared with its operations. An initiation holds it
    /// rather than the client object, so that an operation made now and
    /// started later (asio::deferred) still runs after the client has moved.
    /// Opaque (`void`): the state's type is the library's own, and a hidden
    /// type in a public template's closure would warn in every program.
    std::shared_ptr<void> state() const noexcept { return impl_; }

    /// The one entry point of every operation: starts the operation `params`
    /// describes on the client `state` (from state()), writing into `diag`
    /// when not null, and completes `handler` (whose alternative must match
    /// the parameters' value_type). A null `state` (a moved-from client's)
    /// completes the handler with errc::client_shutdown.
    static void launch(const std::shared_ptr<void>& state, detail::any_operation_params params,
                       diagnostics* diag, detail::any_operation_handler handler);

  private:
    friend struct detail::client_access;
    std::shared_ptr<impl> impl_;
};

} // namespace oneai
