#pragma once
// A unique temporary directory, removed with everything in it when the object dies.
#include <filesystem>
#include <random>
#include <string>

namespace ledger::testing {

class temp_dir {
 public:
  temp_dir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("posledger-test-" + std::to_string(entropy()) + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  [[nodiscard]] std::string path() const { return path_.string(); }
  [[nodiscard]] std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace ledger::testing
