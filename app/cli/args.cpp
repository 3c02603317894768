// Option parsing for samdesk-cli.
#include "app/cli/args.h"

#include <charconv>
#include <cstdio>
#include <iostream>

namespace samdesk::cli {

Args::Args(std::vector<std::string> argv, std::set<std::string> valued,
           std::set<std::string> flags) {
    flags.insert("help");
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "-h") {
            m_flags.insert("help");
            continue;
        }
        if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
            m_positionals.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (valued.count(name)) {
            if (inlineValue) {
                m_values[name] = *inlineValue;
            } else if (i + 1 < argv.size()) {
                m_values[name] = argv[++i];
            } else {
                m_error = "option --" + name + " needs a value";
                return;
            }
        } else if (flags.count(name) && !inlineValue) {
            m_flags.insert(name);
        } else {
            m_error = "unknown option --" + name;
            return;
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
    return value(name).value_or(fallback);
}

std::optional<long long> Args::integer(const std::string& name, std::string* error) const {
    const auto v = value(name);
    if (!v)
        return std::nullopt;
    long long out = 0;
    const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || ptr != v->data() + v->size()) {
        *error = "--" + name + " expects an integer, got '" + *v + "'";
        return std::nullopt;
    }
    return out;
}

std::optional<double> Args::number(const std::string& name, std::string* error) const {
    const auto v = value(name);
    if (!v)
        return std::nullopt;
    try {
        std::size_t used = 0;
        const double out = std::stod(*v, &used);
        if (used == v->size())
            return out;
    } catch (...) {
    }
    *error = "--" + name + " expects a number, got '" + *v + "'";
    return std::nullopt;
}

int fail(const std::string& message) {
    std::fflush(stdout);
    std::cerr << "error: " << message << std::endl;
    return 2;
}

}  // namespace samdesk::cli
