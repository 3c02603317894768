# Fails when BINARY's own link line (its NEEDED entries) names any Qt library: samdesk-cli links
# the core libraries only. (Debian's libtorch itself pulls Qt5 in through OpenCV's highgui; that
# is the system package's business, not a link the project makes, so ldd's transitive list is not
# what this checks.)
execute_process(COMMAND readelf -d "${BINARY}" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "readelf -d ${BINARY} failed")
endif()
string(REGEX MATCHALL "NEEDED\\)[^\n]*" needed "${out}")
if(needed MATCHES "libQt")
    message(FATAL_ERROR "${BINARY} links Qt:\n${needed}")
endif()
if(NOT needed MATCHES "libtorch")
    message(FATAL_ERROR "${BINARY} does not link libtorch; not the binary this test means:\n${needed}")
endif()
message(STATUS "${BINARY} links no Qt library:\n${needed}")
