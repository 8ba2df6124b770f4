# vk_add_gtest(NAME SOURCES... LIBS ... [ONE_PROCESS_UNDER_SANITIZERS]): one GoogleTest executable registered
# with ctest test by test. With ONE_PROCESS_UNDER_SANITIZERS, the sanitizer build runs the whole executable as
# one ctest test instead: a sanitized process costs ~0.4 s to start and end (shadow memory, the leak check),
# which for ~500 pure unit tests of a few milliseconds each is nearly all of their time.
function(vk_add_gtest name)
    cmake_parse_arguments(ARG "ONE_PROCESS_UNDER_SANITIZERS" "" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    # Test files share most of their headers and template instances (GoogleTest, Asio, JSON): compiled a few
    # at a time, each of those is parsed and generated once per batch instead of once per file.
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main vk_project_options)
    if(VK_SANITIZE AND ARG_ONE_PROCESS_UNDER_SANITIZERS)
        add_test(NAME ${name} COMMAND ${name})
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
    else()
        gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()

# vk_add_pytests(LABEL [SLOW name...]): every test_*.py in the calling directory becomes one ctest test, run by
# Debian's /usr/bin/python3 (which has python3-hvac, python3-consul) with the project's test support on PYTHONPATH.
# COST orders a fresh tree's first run (ctest has no timings yet): the SLOW files first, then the other pytest
# files, then the short GoogleTest cases, so that two slow files never end the run alone.
function(vk_add_pytests label)
    cmake_parse_arguments(ARG "" "" "SLOW" ${ARGN})
    file(GLOB test_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_*.py)
    foreach(test_file ${test_files})
        get_filename_component(test_name ${test_file} NAME_WE)
        set(cost 100)
        if(test_name IN_LIST ARG_SLOW)
            set(cost 1000)
        endif()
        add_test(NAME ${label}.${test_name}
                 COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider ${test_file}
                 WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
        set_tests_properties(${label}.${test_name} PROPERTIES
            ENVIRONMENT "VK_BIN_DIR=${CMAKE_BINARY_DIR}/bin;PYTHONPATH=${PROJECT_SOURCE_DIR}/tests/support;VK_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
            LABELS ${label} TIMEOUT 600 COST ${cost})
    endforeach()
endfunction()
