# Pixelgrad: the README's commands (make demo, make test, make build) and the steps they share;
# in a student release, make build only.
# Each target installs what is missing (as root), configures with Ninja and ccache, builds, runs.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

# Debian packages the build, the tests and the grader need.
PACKAGES := build-essential cmake ninja-build ccache pkg-config git \
            libboost-dev libeigen3-dev libopenblas-dev libgtest-dev libgmock-dev \
            libbenchmark-dev libfmt-dev libyaml-cpp-dev libpng-dev zlib1g-dev \
            libarchive-dev libseccomp-dev bubblewrap dataset-fashion-mnist \
            nlohmann-json3-dev python3-jsonschema libcli11-dev libpugixml-dev libxml2-utils python3-yaml \
            libcairo2-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core

.PHONY: all bootstrap configure build test demo bench skeletons clean repository-only

# A student release (pixelgrad release) has no reference, tests or tools: `make build` and the
# grader's check are what it offers.
repository-only:
	@if [ ! -d reference ] || [ ! -d tests ]; then \
	  echo "make: this is a student release: it has no test suite, reference demos or skeleton"; \
	  echo "generator. Build with 'make build', then check your work with"; \
	  echo "'build/grader/pixelgrad check <assignment>' (README.md)"; \
	  exit 2; \
	fi

all: build

bootstrap:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "bootstrap: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Pixelgrad needs these Debian packages. Install them with:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 2; \
	  fi; \
	fi

# TESTS=ON builds the test suites and benchmarks too (make test and make bench set it); without
# it a build holds what a student needs: the grader, its kit, the reference runners, the demos.
# A build folder configured with the tests keeps them.
TESTS ?= OFF
test bench: TESTS := ON

configure: bootstrap
	@if [ ! -f $(BUILD_DIR)/build.ninja ] || { [ "$(TESTS)" = ON ] && \
	    ! grep -q '^PIXELGRAD_BUILD_TESTS:BOOL=ON' $(BUILD_DIR)/CMakeCache.txt; }; then \
	  echo cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DPIXELGRAD_BUILD_TESTS=$(TESTS); \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DPIXELGRAD_BUILD_TESTS=$(TESTS); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: repository-only build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: repository-only build
	@./tools/demo.sh $(BUILD_DIR)

bench: repository-only build
	$(BUILD_DIR)/tests/bench/bench_knn
	tests/bench/linear_vs_numpy.sh $(BUILD_DIR)
	$(BUILD_DIR)/tests/bench/bench_backprop
	tests/bench/mlp_vs_torch.sh $(BUILD_DIR)
	$(BUILD_DIR)/tests/bench/bench_conv
	tests/bench/conv_vs_torch.sh $(BUILD_DIR)
	$(BUILD_DIR)/tests/bench/bench_saliency
	tests/bench/saliency_vs_torch.sh $(BUILD_DIR)

# regenerate the student skeletons (assignments/*/*.cpp) from the reference sources
skeletons: repository-only build
	$(BUILD_DIR)/tools/pg-skeletonize reference assignments

clean:
	rm -rf $(BUILD_DIR)
