// A small command-line parser for samdesk-cli subcommands: `--name value`, `--name=value`,
// boolean `--flag`, positionals. Unknown options are errors, so typos never pass silently.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace samdesk::cli {

class Args {
public:
    // `valued`: options that take a value; `flags`: options that do not.
    Args(std::vector<std::string> argv, std::set<std::string> valued, std::set<std::string> flags);

    // Empty when parsing succeeded, else a message ("unknown option --foo").
    const std::string& error() const { return m_error; }

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string value(const std::string& name, const std::string& fallback) const;
    // Parses an integer/double option; sets `error` text on a malformed number.
    std::optional<long long> integer(const std::string& name, std::string* error) const;
    std::optional<double> number(const std::string& name, std::string* error) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }
    bool wantsHelp() const { return flag("help"); }

private:
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positionals;
    std::string m_error;
};

// Prints `error: <message>` on stderr and returns exit status 2 (the CLI's failure status).
int fail(const std::string& message);

}  // namespace samdesk::cli
