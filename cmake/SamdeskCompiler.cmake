# Shared compiler settings: one INTERFACE target every samdesk target links, ccache, sanitizers.

find_program(SAMDESK_CCACHE ccache)
if(SAMDESK_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # Precompiled headers need ccache's pch sloppiness to be cacheable.
    set(_samdesk_launcher "${CMAKE_COMMAND}" -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "${SAMDESK_CCACHE}")
    set(CMAKE_C_COMPILER_LAUNCHER ${_samdesk_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_samdesk_launcher})
    message(STATUS "ccache: ${SAMDESK_CCACHE}")
endif()

add_library(samdesk_settings INTERFACE)
target_compile_features(samdesk_settings INTERFACE cxx_std_20)
target_compile_definitions(samdesk_settings INTERFACE
    QT_NO_KEYWORDS                      # Q_SIGNALS/Q_SLOTS/Q_EMIT: no clash with libtorch's `slots`
    SAMDESK_VERSION="${PROJECT_VERSION}")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(samdesk_settings INTERFACE -Wall -Wextra -Wno-unused-parameter)
endif()

if(SAMDESK_SANITIZE)
    target_compile_options(samdesk_settings INTERFACE -fsanitize=${SAMDESK_SANITIZE}
                                                      -fno-omit-frame-pointer)
    target_link_options(samdesk_settings INTERFACE -fsanitize=${SAMDESK_SANITIZE})
endif()

# Per-library include directories: a library exports only its own folder, through a tree of its
# own in the build folder (<build>/include/<target>/core/x -> the source folder core/x), so that a
# file can include a header only when its target links the library that owns it (directly, or
# PUBLIC through another). Includes keep their full paths ("core/x/y.h"); an include across the
# layers (docs/architecture.md) fails to compile. `dir` is relative to the project root.
function(samdesk_export_folder target dir)
    set(_root "${PROJECT_BINARY_DIR}/include/${target}")
    get_filename_component(_parent "${_root}/${dir}" DIRECTORY)
    file(MAKE_DIRECTORY "${_parent}")
    if(NOT EXISTS "${_root}/${dir}")
        file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${dir}" "${_root}/${dir}" SYMBOLIC)
    endif()
    get_target_property(_type ${target} TYPE)
    if(_type STREQUAL "INTERFACE_LIBRARY")
        target_include_directories(${target} INTERFACE "${_root}")
    else()
        target_include_directories(${target} PUBLIC "${_root}")
    endif()
endfunction()

# Adds a static library from the sources of one folder (globbed, so adding a file needs no edit
# here) and exports that folder alone as its include directory.
function(samdesk_add_library name dir)
    file(GLOB _sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${dir}/*.cpp")
    file(GLOB _headers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/${dir}/*.h")
    add_library(${name} STATIC ${_sources} ${_headers})
    samdesk_export_folder(${name} "${dir}")
    target_link_libraries(${name} PUBLIC samdesk_settings)
endfunction()

# Fails the configure step when `target` reaches Qt Widgets through its link dependencies: the
# core libraries must never depend on widgets (the check walks the whole link graph).
function(samdesk_assert_no_widgets target)
    set(_seen "")
    set(_todo ${target})
    while(_todo)
        list(POP_FRONT _todo _t)
        if(_t IN_LIST _seen)
            continue()
        endif()
        list(APPEND _seen ${_t})
        if(_t MATCHES "Widgets")
            message(FATAL_ERROR "${target} links ${_t}: core libraries must not use Qt Widgets")
        endif()
        if(TARGET ${_t})
            get_target_property(_aliased ${_t} ALIASED_TARGET)
            if(_aliased)
                list(APPEND _todo ${_aliased})
            endif()
            get_target_property(_type ${_t} TYPE)
            set(_deps "")
            if(NOT _type STREQUAL "INTERFACE_LIBRARY")
                get_target_property(_link ${_t} LINK_LIBRARIES)
                if(_link)
                    list(APPEND _deps ${_link})
                endif()
            endif()
            get_target_property(_ilink ${_t} INTERFACE_LINK_LIBRARIES)
            if(_ilink)
                list(APPEND _deps ${_ilink})
            endif()
            foreach(_d IN LISTS _deps)
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" _d "${_d}")
                if(NOT _d MATCHES "^\\$<" AND NOT _d MATCHES "^-")
                    list(APPEND _todo ${_d})
                endif()
            endforeach()
        endif()
    endwhile()
endfunction()
