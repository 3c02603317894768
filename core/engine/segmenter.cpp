// Helpers shared by the engines.
#include "core/engine/segmenter.h"

#include <cmath>

namespace samdesk {

int bestCandidate(const std::vector<MaskCandidate>& candidates) {
    int best = 0;
    for (int i = 1; i < int(candidates.size()); ++i) {
        const float s = candidates[i].score;
        const float b = candidates[best].score;
        if (!std::isnan(s) && (std::isnan(b) || s > b))
            best = i;
    }
    return best;
}

}  // namespace samdesk
