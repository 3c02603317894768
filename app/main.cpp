// samdesk: the GUI. Parses the command line, opens the main window with what it names (the
// bundled sample image when it names none), and loads the checkpoint it names (or the one used
// last time).
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>
#include <cstring>

#include "core/document/annotationdocument.h"
#include "ui/demoscript.h"
#include "ui/mainwindow.h"

int main(int argc, char** argv) {
    // --version needs no display: answer it before the GUI starts.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("samdesk %s\n", SAMDESK_VERSION);
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("samdesk"));
    QApplication::setOrganizationName(QStringLiteral("samdesk"));
    QApplication::setApplicationVersion(QStringLiteral(SAMDESK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Segment images by clicking, with SAMv1"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption checkpoint(QStringLiteral("checkpoint"),
                                        QStringLiteral("SAMv1 checkpoint (.pth or .safetensors)"),
                                        QStringLiteral("file"));
    const QCommandLineOption image(QStringLiteral("image"), QStringLiteral("Image to open"),
                                   QStringLiteral("file"));
    const QCommandLineOption folder(QStringLiteral("folder"),
                                    QStringLiteral("Folder of images to annotate"),
                                    QStringLiteral("dir"));
    const QCommandLineOption grabCut(QStringLiteral("grabcut"),
                                     QStringLiteral("Start with GrabCut, not the last checkpoint"));
    const QCommandLineOption script(
        QStringLiteral("script"),
        QStringLiteral(
            "Steps to run once the image is encoded, separated by ';': "
            "click X,Y | bgclick X,Y | box X0,Y0,X1,Y1 | keep | label NAME | "
            "candidate N | next | info | region X0,Y0,X1,Y1 | wholeimage | "
            "brush R X,Y X,Y ... | erase R X,Y ... | select ID | mode new|add|subtract | "
            "fillholes | islands N | largest | union A B | subtract A B | "
            "intersect A B | rerun [all] [force] | undo | redo | shot FILE | "
            "latency N | strokelatency N | quit (all of them: docs/gui.md)"),
        QStringLiteral("steps"));
    parser.addOptions({checkpoint, image, folder, grabCut, script});
    parser.process(app);

    samdesk::MainWindow window;
    window.restoreSettings(!parser.isSet(checkpoint) && !parser.isSet(grabCut));
    if (parser.isSet(checkpoint))
        window.loadCheckpoint(parser.value(checkpoint));
    // The sample only when nothing was asked for: an image or folder that does not open leaves
    // the window empty with the reason in the status bar (the window's error path), never
    // another image in its place.
    QString openError;
    const QMetaObject::Connection onError =
        QObject::connect(window.document(), &samdesk::AnnotationDocument::error, &window,
                         [&openError](const QString& text) { openError = text; });
    const bool asked = parser.isSet(folder) || parser.isSet(image);
    bool opened = false;
    if (parser.isSet(folder))
        opened = window.openFolder(parser.value(folder));
    else if (parser.isSet(image))
        opened = window.openImage(parser.value(image));
    else
        opened = window.openImage(samdesk::MainWindow::sampleImagePath());
    QObject::disconnect(onError);
    window.show();
    if (asked && !opened && parser.isSet(script)) {
        // A script needs an image to run on: say why there is none and stop.
        std::fprintf(
            stderr, "samdesk --script: no image is open: %s\n",
            qPrintable(openError.isEmpty() ? QStringLiteral("the image did not open") : openError));
        return 1;
    }
    if (parser.isSet(script)) {
        auto* runner = new samdesk::DemoScript(&window, parser.value(script), &window);
        QObject::connect(runner, &samdesk::DemoScript::finished, &app,
                         [](int code) { QApplication::exit(code); });
        runner->start();
    }
    return app.exec();
}
