// Editing a keep-K plan over a saliency table, with undo. The plan is always
// moecut's: make_plan (PlanOptions from the state) gives the base, then the
// manual swap edits are applied in order. Every change is a command on
// undoStack(); consecutive keep changes (slider moves) merge into one step.
// Follows a SaliencyModel's table and hands each new plan to it (setPlan), so
// the heatmap shows what the plan keeps.
#pragma once

#include "saliency_model.h"

#include "moecut/prune_plan.h"
#include "moecut/saliency_file.h"

#include <nlohmann/json.hpp>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUndoStack>

#include <memory>
#include <optional>

class PlanEditor : public QObject
{
    Q_OBJECT

public:
    // A manual edit of one layer. AddIn: bring a dropped expert in, pushing out
    // the weakest kept one (by the plan's criterion and domain; never a
    // protected or swapped-in expert; the same group when n_group > 1); on a
    // swapped-out expert it undoes that swap. Remove: undo the swap that
    // expert (in or out) belongs to.
    struct SwapEdit
    {
        enum Kind { AddIn, Remove } kind = AddIn;
        int layer = 0;
        int expert = 0;
        bool operator==(const SwapEdit&) const = default;
    };
    struct State
    {
        qint64 keep = 0;
        QString criterion = QStringLiteral("reap"); // reap | frequency | ean
        QString domain = QStringLiteral("all");
        QString swapDomain;  // domain of the automatic swaps and label of manual ones
        qint64 autoSwaps = 0; // make_plan's knowledge swaps per layer (needs swapDomain)
        bool protectSuperExperts = false;
        QList<SwapEdit> edits;
        bool operator==(const State&) const = default;
    };
    enum ExpertState { NotInPlan, Kept, Dropped, SwappedIn, SwappedOut };

    explicit PlanEditor(QObject* parent = nullptr);
    ~PlanEditor() override;

    // Follows model's table (a new table resets the editor and clears the undo
    // stack) and calls model->setPlan with every new plan.
    void setSaliencyModel(SaliencyModel* model);
    SaliencyModel* saliencyModel() const { return m_model; }
    // Without a model: edit plans over this table (path goes to source.saliency).
    void setSaliency(std::shared_ptr<const moecut::SaliencyTable> table, const QString& path);
    bool hasTable() const { return m_table != nullptr; }

    // The router's limits on K.
    qint64 experts() const;
    qint64 minimumKeep() const; // 0 without a table
    qint64 maximumKeep() const;
    qint64 keepStep() const;    // n_group: valid K are multiples of it
    QString keepProblem(qint64 keep) const; // "" if K is allowed
    qint64 nearestValidKeep(qint64 keep) const;
    // The K a new table starts with: the valid K nearest two thirds of E.
    qint64 defaultKeep() const;

    // Edits. Each pushes one undoable command, or refuses: false, nothing
    // pushed, editFailed(message) emitted and lastError() set.
    bool setKeep(qint64 keep);
    bool setCriterion(const QString& criterion);
    bool setDomain(const QString& domain);
    bool setSwapDomain(const QString& domain, qint64 autoSwaps);
    bool setProtectSuperExperts(bool protect);
    bool addSwapIn(int layer, int expert);
    bool removeSwap(int layer, int expert);
    // Dropped -> addSwapIn; swapped in or out -> removeSwap; kept -> refused.
    bool toggleSwap(int layer, int expert);
    bool clearSwapEdits();

    const State& state() const { return m_state; }
    qint64 keep() const { return m_state.keep; }
    ExpertState expertState(int layer, int expert) const;

    bool hasPlan() const { return m_plan.has_value(); }
    const moecut::Plan& plan() const; // an empty plan when hasPlan() is false
    // plan_to_json of the plan: what `moecut plan` writes.
    nlohmann::ordered_json planJson() const;
    // Writes the plan atomically (moecut::write_plan). On failure: false,
    // lastError() names the file.
    bool savePlan(const QString& path);

    QString lastError() const { return m_error; }
    QUndoStack* undoStack() { return &m_undo; }

signals:
    void planChanged();
    void editFailed(const QString& message);

private:
    friend class PlanEditCommand;
    void reset();
    bool push(const State& next, const QString& text, int mergeId);
    void applyState(const State& state); // from the undo commands
    moecut::Plan computePlan(const State& state) const; // throws moecut::InputError
    void applyEdit(moecut::Plan& plan, const State& state, const SwapEdit& edit) const;
    bool fail(const QString& message);
    moecut::RouterLimits limits() const;

    QPointer<SaliencyModel> m_model;
    std::shared_ptr<const moecut::SaliencyTable> m_table;
    QString m_path;
    State m_state;
    std::optional<moecut::Plan> m_plan;
    QString m_error;
    QUndoStack m_undo;
};
