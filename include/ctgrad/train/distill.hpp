#pragma once
// Distillation: training a model on a trained teacher's outputs as well as
// on the labels (Hinton, Vinyals and Dean 2015, "Distilling the Knowledge
// in a Neural Network"; Touvron et al. 2021, DeiT, for the hard form).
//
// Each training example's target becomes
//   t = (1 - w) onehot(label) + w q,
//   q = softmax(z / T)        for a temperature T > 0 (soft distillation),
//   q = onehot(argmax z)      for T = 0 (hard: the teacher's class),
// with z the teacher's scores for the example. Cross-entropy is linear in
// its target, so fitting t is fitting (1 - w) CE(label) + w CE(q): at
// w = 1/2 and T = 0, DeiT's hard-distillation objective (with the one head,
// without a distillation token); at T > 0, Hinton's soft objective with the
// student at temperature 1 (the T^2 factor there makes up for a softened
// student's smaller gradients, which this student does not have).
//
// The teacher's scores are computed once, before training, on the training
// images as stored ("offline" distillation): a step's randomly shifted view
// of an image trains on the teacher's target for the unshifted image.
// Evaluation still scores the labels.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "ctgrad/io/digest.hpp"
#include "ctgrad/io/error.hpp"
#include "ctgrad/nn/weights.hpp"
#include "ctgrad/train/config.hpp"
#include "ctgrad/train/evaluate.hpp"
#include "ctgrad/train/model.hpp"

namespace ctgrad::train {

// A program's Teacher when it offers none: --teacher is then a usage error.
struct NoTeacher {};

// The targets above, Teacher::classes per example of `split`, from the
// teacher's scores on `threads` threads (the same for any thread count).
template <TrainableModel Teacher, class K>
std::vector<float> distillation_targets(typename Teacher::params_type& teacher, const Split& split, double weight,
                                        double temperature, unsigned threads, EvalResult* teacher_result = nullptr) {
  static_assert(Teacher::targets == Targets::one_hot,
                "distillation: the teacher must be a classifier trained with cross-entropy (one-hot targets), whose "
                "scores a softmax turns into class probabilities");
  constexpr std::size_t classes = Teacher::classes;
  std::vector<float> scores;
  const EvalResult result = evaluate<Teacher, K>(teacher, split, threads, nullptr, &scores);
  if (teacher_result) *teacher_result = result;
  std::vector<float> targets(split.count() * classes);
  const auto w = static_cast<float>(weight);
  for (std::size_t i = 0; i < split.count(); ++i) {
    const float* z = scores.data() + i * classes;
    float* t = targets.data() + i * classes;
    if (temperature == 0) {
      t[argmax(z, classes)] = w;
    } else {
      const float largest = *std::max_element(z, z + classes);
      std::array<double, classes> softened;
      double sum = 0;
      for (std::size_t c = 0; c < classes; ++c) sum += softened[c] = std::exp((z[c] - largest) / temperature);
      for (std::size_t c = 0; c < classes; ++c) t[c] = static_cast<float>(weight * softened[c] / sum);
    }
    t[split.labels[i]] += 1.f - w;
  }
  return targets;
}

// A distilled run records its teacher file's digest in config.json; resumed,
// it refuses a teacher file whose bytes changed since (the targets would
// change under it). A run folder written before digests were recorded has
// none to check.
inline void check_teacher_digest(TrainConfig& config, bool resuming) {
  std::string digest;
  try {
    digest = io::file_digest(config.teacher);
  } catch (const io::Error& error) {
    throw UsageError(std::string("--teacher: ") + error.what());
  }
  if (resuming && !config.teacher_digest.empty() && config.teacher_digest != digest)
    throw UsageError("--resume: the run distils from " + config.teacher + ", whose bytes changed since it started (" +
                     config.teacher_digest + " in its config.json, " + digest +
                     " now); put back the teacher's weights it started with to resume it");
  config.teacher_digest = digest;
}

// The targets of config.teacher's weights for every example of `split`,
// loaded into a Teacher model (checked against it: every name and shape).
// The student Model must score the same classes of the same input, with
// cross-entropy. They travel beside the split (target_row), which is not copied.
template <TrainableModel Model, class K, class Teacher>
std::vector<float> teacher_targets(const TrainConfig& config, const Split& split) {
  if constexpr (std::is_same_v<Teacher, NoTeacher>) {
    throw UsageError("--teacher: this program names no teacher model to load " + config.teacher + " into");
  } else {
    static_assert(std::is_same_v<typename Teacher::image_shape, typename Model::image_shape> &&
                      Teacher::classes == Model::classes,
                  "distillation: the teacher must read the student's input and score the same classes");
    if (Model::targets != Targets::one_hot)
      throw UsageError("--teacher: distillation trains on class probabilities, and this model's targets are +-1 "
                       "(mean squared error); use a cross-entropy variant");
    auto teacher = std::make_unique<typename Teacher::params_type>();
    try {
      load_parameters(config.teacher, *teacher);
    } catch (const io::Error& error) {
      throw UsageError(std::string("--teacher: ") + error.what());
    }
    EvalResult result;
    std::vector<float> targets = distillation_targets<Teacher, K>(*teacher, split, config.distill_weight,
                                                                  config.distill_temperature, config.threads, &result);
    const std::string teacher_part = config.distill_temperature == 0
                                         ? "its class"
                                         : "softmax at T " + config_detail::number_text(config.distill_temperature);
    std::printf("teacher: %s, train error %.2f%%; targets (1 - %g) label + %g teacher (%s)\n", config.teacher.c_str(),
                result.error_percent(), config.distill_weight, config.distill_weight, teacher_part.c_str());
    return targets;
  }
}

}  // namespace ctgrad::train
