# Use ccache when it is installed: LibTorch translation units are slow to compile.
find_program(MOECUT_CCACHE ccache)
if(MOECUT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${MOECUT_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${MOECUT_CCACHE})
  set(CMAKE_CUDA_COMPILER_LAUNCHER ${MOECUT_CCACHE})
endif()
