#include <iostream>

#include "corridorkey/version.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--version") {
      std::cout << corridorkey::version_text();
      return 0;
    }
  }
  return 0;
}
