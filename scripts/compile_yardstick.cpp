// A fixed amount of compiler work, the standard library only. A build with
// the timing launcher compiles it among the project's files (target
// ctgrad_compile_yardstick), and scripts/compile_times.py --check scales the
// limit on a file's seconds by its time: on a machine, or under a load, that
// makes it twice as slow, a file's seconds count half.
#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::map<std::string, std::vector<double>> columns;
  std::regex field(R"(([a-z_]+)=(-?[0-9.]+))");
  std::mt19937 rng(static_cast<unsigned>(argc));
  std::normal_distribution<double> noise;
  for (int i = 1; i < argc; ++i) {
    std::string line = argv[i];
    for (std::sregex_iterator it(line.begin(), line.end(), field), end; it != end; ++it)
      columns[(*it)[1]].push_back(std::stod((*it)[2]) + noise(rng));
  }
  std::ostringstream out;
  for (auto& [name, values] : columns) {
    std::sort(values.begin(), values.end());
    out << name << ' ' << values[values.size() / 2] << '\n';
  }
  std::cout << out.str();
}
