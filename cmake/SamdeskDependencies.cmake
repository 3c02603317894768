# Third-party dependencies. Everything comes from Debian 12 packages unless Torch_DIR points at
# another libtorch (for example the CUDA build inside a PyTorch install).

find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs)

find_package(Torch REQUIRED)
set(SAMDESK_TORCH_HAS_CUDA OFF)
foreach(lib IN LISTS TORCH_LIBRARIES)
    if(lib MATCHES "c10_cuda|torch_cuda")
        set(SAMDESK_TORCH_HAS_CUDA ON)
    endif()
endforeach()

# Qt: the GUI needs Widgets; the test suite needs Core and Test only. The model part and the
# command-line tool never need Qt, so a machine without it can still build them.
set(SAMDESK_HAVE_QT_TEST OFF)
if(SAMDESK_BUILD_UI)
    find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets Concurrent Test)
    set(SAMDESK_HAVE_QT_TEST ON)
elseif(SAMDESK_BUILD_TESTS)
    find_package(Qt6 6.2 QUIET COMPONENTS Core Test OPTIONAL_COMPONENTS Gui)
    if(Qt6Test_FOUND)
        set(SAMDESK_HAVE_QT_TEST ON)
    else()
        message(STATUS "Qt6 Test not found: tests are not built")
    endif()
endif()
