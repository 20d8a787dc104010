#include "completion_script.hpp"

#include "arguments.hpp"
#include "batch_arguments.hpp"
#include "bench_arguments.hpp"

#include <oneai/emulator/command_line.hpp>

#include <sstream>
#include <vector>

namespace oneai::cli {
namespace {

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string joined(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto all = a;
    all.insert(all.end(), b.begin(), b.end());
    return joined(all);
}

} // namespace

std::string bash_completion_script() {
    const auto commands = command_names();
    std::ostringstream s;
    s << "# bash completion of oneai and oneai-emulator, made by `oneai --completion bash`.\n"
         "\n"
         "# The words that may come next after COMMAND (\"\" before any command).\n"
         "_oneai_words() {\n"
         "    case $1 in\n"
         "    \"\") echo '"
      << joined(global_flag_names(), commands) << "' ;;\n";
    for (const char* command : {"run", "status", "wait"})
        s << "    " << command << ") echo '" << joined(task_command_flag_names(command))
          << "' ;;\n";
    s << "    batch) echo '" << joined(batch_flag_names()) << "' ;;\n"
      << "    bench) echo '" << joined(bench_flag_names()) << "' ;;\n"
      << "    emulator) echo '" << joined(emulator::command_line_flag_names()) << "' ;;\n"
      << "    esac\n"
         "}\n"
         "\n"
         "_oneai() {\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
         "    local command= i\n"
         "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "        case ${COMP_WORDS[i]} in\n"
         "        "
      <<
        [&] {
            std::string alternatives;
            for (const auto& c : commands)
                alternatives += (alternatives.empty() ? "" : "|") + c;
            return alternatives;
        }()
      << ")\n"
         "            command=${COMP_WORDS[i]}\n"
         "            break\n"
         "            ;;\n"
         "        esac\n"
         "    done\n"
         "    COMPREPLY=()\n"
         "    # Values with a fixed set of choices.\n"
         "    case $prev in\n"
         "    --progress) COMPREPLY=($(compgen -W 'auto always never' -- \"$cur\")); return ;;\n"
         "    --mode) COMPREPLY=($(compgen -W 'async sync' -- \"$cur\")); return ;;\n"
         "    --arrivals) COMPREPLY=($(compgen -W 'constant poisson' -- \"$cur\")); return ;;\n"
         "    --input-type) COMPREPLY=($(compgen -W 'article conversation' -- \"$cur\")); "
         "return ;;\n"
         "    --completion) COMPREPLY=($(compgen -W 'bash' -- \"$cur\")); return ;;\n"
         "    esac\n"
         "    if [[ -z $command ]]; then\n"
         "        # The value of a global flag: left to bash (file names).\n"
         "        case $prev in\n"
         "        "
      <<
        [&] {
            std::string alternatives;
            for (const auto& f : global_flag_names_with_values())
                alternatives += (alternatives.empty() ? "" : "|") + f;
            return alternatives;
        }()
      << ") return ;;\n"
         "        esac\n"
         "    elif [[ $command == bench && $prev == bench && $cur != -* ]]; then\n"
         "        COMPREPLY=($(compgen -W 'compare merge' -- \"$cur\"))\n"
         "        return\n"
         "    elif [[ $cur != -* ]]; then\n"
         "        return # a value or a file: bash completes file names\n"
         "    fi\n"
         "    COMPREPLY=($(compgen -W \"$(_oneai_words \"$command\")\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _oneai oneai\n"
         "\n"
         "_oneai_emulator() {\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]}\n"
         "    COMPREPLY=()\n"
         "    [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"$(_oneai_words emulator)\" -- "
         "\"$cur\"))\n"
         "}\n"
         "complete -o default -F _oneai_emulator oneai-emulator\n";
    return s.str();
}

} // namespace oneai::cli
