# Warnings and sanitizer flags shared by every target of the project.
add_library(vk_project_options INTERFACE)
target_compile_options(vk_project_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
target_compile_features(vk_project_options INTERFACE cxx_std_20)
# GCC 12 reports every Asio coroutine frame freed by awaitable_frame_base::operator delete as "mismatched" with
# the aligned_new its operator new inlined (a false positive: the two are a pair); a hundred of them hid the
# build's real warnings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(vk_project_options INTERFACE -Wno-mismatched-new-delete)
endif()
if(VK_SANITIZE)
    target_compile_options(vk_project_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    # -no-pie: a sanitized executable carries ~2.5 million relative relocations (UBSan's check data), which a
    # position-independent one resolves at every start (~0.2 s of each of the test suite's many process starts).
    target_link_options(vk_project_options INTERFACE -fsanitize=address,undefined -no-pie)
endif()
