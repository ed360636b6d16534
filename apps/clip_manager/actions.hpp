// The actions of clip_manager. Each returns the process exit code.
#pragma once

#include "options.hpp"

namespace clip_manager {

int run_list(const Options& options);
int run_inference(const Options& options);
int run_generate_alphas(const Options& options);
int run_inspect(const Options& options);

}  // namespace clip_manager
