# Warnings and sanitizer flags shared by every target of the project.
add_library(vk_project_options INTERFACE)
target_compile_options(vk_project_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
target_compile_features(vk_project_options INTERFACE cxx_std_20)
if(VK_SANITIZE)
    target_compile_options(vk_project_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(vk_project_options INTERFACE -fsanitize=address,undefined)
endif()
