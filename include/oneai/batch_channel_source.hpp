#pragma once

#include <oneai/batch_engine.hpp>

#include <boost/asio/experimental/channel.hpp>

namespace oneai {

/// Feeds a running batch from an Asio channel.
///
/// A service sends batch_items into the channel as they arrive, and ends the
/// stream by sending an error code (`asio::error::eof`). Closing the channel
/// also ends it, but a closed channel drops the items it still buffers.
///
///     asio::experimental::channel<void(oneai::error_code, oneai::batch_item)> ch(ex, 64);
///     oneai::batch_engine engine(c, opts, oneai::source_from_channel(ch), sink);
///
/// `Channel`: an `asio::experimental::channel` (or `concurrent_channel`) of
/// `void(error_code, batch_item)`, held by reference: it must outlive the batch.
/// Any error ends the source: an error sent by the producer, a closed or a
/// cancelled channel. The items' indexes are the producer's to set.
template <typename Channel>
batch_engine::async_source source_from_channel(Channel& ch) {
    return [&ch](boost::asio::any_completion_handler<void(std::optional<batch_item>)> handler) {
        ch.async_receive([handler = std::move(handler)](error_code ec, batch_item item) mutable {
            std::move(handler)(ec ? std::nullopt : std::optional<batch_item>(std::move(item)));
        });
    };
}

} // namespace oneai
