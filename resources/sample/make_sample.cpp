// Draws resources/sample/sample.png, the picture samdesk opens when it is given nothing else.
// The project draws it itself (no third-party photo), so it can be redistributed freely.
// Build and run by hand:  g++ -O2 make_sample.cpp $(pkg-config --cflags --libs opencv4) && ./a.out
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

int main(int argc, char** argv) {
    const int w = 1024, h = 768;
    cv::Mat img(h, w, CV_8UC3);
    // Sky: vertical gradient; ground: green with a gentle slope.
    for (int y = 0; y < h; ++y) {
        const double t = double(y) / h;
        img.row(y).setTo(cv::Scalar(235 - 60 * t, 200 - 40 * t, 140 - 40 * t));
    }
    std::vector<cv::Point> ground{{0, 520},    {300, 500},  {640, 530},
                                  {1024, 490}, {1024, 768}, {0, 768}};
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{ground}, cv::Scalar(70, 150, 90),
                 cv::LINE_AA);
    // Sun.
    cv::circle(img, {860, 120}, 60, cv::Scalar(60, 210, 250), cv::FILLED, cv::LINE_AA);
    // House with a door and two windows (holes in the wall).
    cv::rectangle(img, cv::Rect(140, 330, 260, 200), cv::Scalar(60, 90, 190), cv::FILLED);
    std::vector<cv::Point> roof{{120, 335}, {270, 220}, {420, 335}};
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{roof}, cv::Scalar(40, 40, 120),
                 cv::LINE_AA);
    cv::rectangle(img, cv::Rect(245, 430, 50, 100), cv::Scalar(30, 60, 100), cv::FILLED);
    cv::rectangle(img, cv::Rect(170, 370, 50, 45), cv::Scalar(230, 220, 180), cv::FILLED);
    cv::rectangle(img, cv::Rect(320, 370, 50, 45), cv::Scalar(230, 220, 180), cv::FILLED);
    // Tree.
    cv::rectangle(img, cv::Rect(560, 400, 30, 130), cv::Scalar(40, 70, 110), cv::FILLED);
    cv::circle(img, {575, 360}, 85, cv::Scalar(50, 120, 40), cv::FILLED, cv::LINE_AA);
    // A ring (an object with a hole) and a ball.
    cv::circle(img, {780, 610}, 70, cv::Scalar(160, 60, 150), 34, cv::LINE_AA);
    cv::circle(img, {430, 640}, 45, cv::Scalar(40, 160, 230), cv::FILLED, cv::LINE_AA);
    // Mild noise so the image does not look flat to the model.
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.f, 6.f);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c) {
                auto& v = img.at<cv::Vec3b>(y, x)[c];
                v = cv::saturate_cast<uchar>(v + noise(rng));
            }
    cv::GaussianBlur(img, img, {3, 3}, 0.8);
    cv::imwrite(argc > 1 ? argv[1] : "sample.png", img);
    return 0;
}
