#pragma once
// The whole public API of ctnn.
#include "core/shape.hpp"
#include "core/input.hpp"
#include "core/layer.hpp"
#include "core/samples.hpp"
#include "core/sequential.hpp"
#include "core/fit_options.hpp"
#include "core/history.hpp"
#include "core/model.hpp"

#include "activations/activation.hpp"
#include "activations/linear.hpp"
#include "activations/relu.hpp"
#include "activations/sigmoid.hpp"
#include "activations/tanh.hpp"
#include "activations/softmax.hpp"
#include "activations/leaky_relu.hpp"
#include "activations/elu.hpp"

#include "layers/options.hpp"
#include "layers/dense.hpp"

#include "initializers/initializer.hpp"
#include "initializers/glorot_uniform.hpp"
#include "initializers/he_normal.hpp"
#include "initializers/zeros.hpp"

#include "losses/loss_function.hpp"
#include "losses/mean_squared_error.hpp"
#include "losses/categorical_crossentropy.hpp"
#include "losses/sparse_categorical_crossentropy.hpp"
#include "losses/binary_crossentropy.hpp"

#include "metrics/categorical_accuracy.hpp"
#include "metrics/sparse_categorical_accuracy.hpp"
#include "metrics/binary_accuracy.hpp"

#include "optimizers/optimizer.hpp"
#include "optimizers/sgd.hpp"
#include "optimizers/rmsprop.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/adadelta.hpp"

#include "data/data_error.hpp"
#include "data/idx.hpp"
#include "data/to_categorical.hpp"
#include "data/load_dataset.hpp"
