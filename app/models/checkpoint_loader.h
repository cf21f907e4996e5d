// Opens checkpoint folders off the UI thread.
//
// open() runs moecut::inspect_checkpoint on the global thread pool and emits
// loaded() or failed() on the loader's thread. Only the latest request
// reports: a result that arrives after a newer open() (or cancel()) is
// dropped, so a slow folder can never overwrite a newer one.
#pragma once

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>

class CheckpointLoader : public QObject
{
    Q_OBJECT

public:
    explicit CheckpointLoader(QObject* parent = nullptr);
    ~CheckpointLoader() override;

    bool isBusy() const { return m_busy; }

    // What a load produces: the report, or the error to show (the one-line
    // InputError message for bad input).
    struct Result
    {
        QString folder;
        nlohmann::json report;
        QString error;
    };
    // Runs the inspection synchronously (what open() runs on the pool).
    static Result inspect(const QString& folder);

public slots:
    void open(const QString& folder);
    // Forgets the running request, if any: its result will be dropped.
    void cancel();

signals:
    void started(const QString& folder);
    void loaded(const QString& folder, const nlohmann::json& report);
    void failed(const QString& folder, const QString& message);
    void busyChanged(bool busy);

private:
    void setBusy(bool busy);

    quint64 m_generation = 0;
    bool m_busy = false;
};
