// One exception type per domain. Every message says what went wrong, where (file, tensor, flag),
// and how to fix it, so that the CLI can print it as is. The layers above the core add their own
// (HubError in corridorkey/hub/hub.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace corridorkey {

/// Base of every error the engine throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A checkpoint file is unreadable, malformed, hostile or not what it claims to be.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

/// The network cannot be built or run with the given weights or settings.
class ModelError : public Error {
 public:
  using Error::Error;
};

/// A frame could not be read, decoded, processed or written.
class FrameError : public Error {
 public:
  using Error::Error;
};

/// Reading or writing a file failed (permissions, full disk, ...).
class IoError : public Error {
 public:
  using Error::Error;
};

/// A user-supplied option or setting is invalid.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace corridorkey
