#pragma once
// Convenience header: the whole public interface of the Pipeline API emulator.
#include <oneai/emulator/config.hpp>
#include <oneai/emulator/embedded_server.hpp>
#include <oneai/emulator/fault_config.hpp>
#include <oneai/emulator/latency_model.hpp>
#include <oneai/emulator/server.hpp>
