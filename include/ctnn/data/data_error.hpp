#pragma once
// ctnn::data_error: a dataset file that cannot be used as asked. It carries the file so that a
// caller can report or replace it without parsing the message.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace ctnn {

class data_error : public std::runtime_error {
 public:
  // what() is "<path>: <problem>": the message alone says which file to fix and how.
  data_error(const std::filesystem::path& path, const std::string& problem)
      : std::runtime_error(path.string() + ": " + problem),
        path_(std::make_shared<const std::filesystem::path>(path)) {}

  const std::filesystem::path& path() const noexcept { return *path_; }

 private:
  // Shared, not held by value, so that copying the exception cannot throw.
  std::shared_ptr<const std::filesystem::path> path_;
};

}  // namespace ctnn
