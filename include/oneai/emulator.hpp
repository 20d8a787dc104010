#pragma once
/// @file
/// Convenience header: the whole public interface of the Pipeline API emulator.

/// @namespace oneai::emulator
/// An emulator of the Pipeline API for tests, examples and benchmarks: a
/// server with configurable latency, limits and faults (docs/emulator.md).
#include <oneai/emulator/config.hpp>
#include <oneai/emulator/embedded_server.hpp>
#include <oneai/emulator/fault_config.hpp>
#include <oneai/emulator/latency_model.hpp>
#include <oneai/emulator/server.hpp>
