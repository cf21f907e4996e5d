// One undoable change of a PlanEditor's state: the state before and after.
// Commands with the same merge id (> 0) merge when pushed one after another
// (consecutive keep-K slider moves become one undo step); a merge that ends
// where it began is dropped from the stack.
#pragma once

#include "plan_editor.h"

#include <QUndoCommand>

class PlanEditCommand : public QUndoCommand
{
public:
    enum MergeId { NoMerge = -1, KeepMerge = 1 };

    PlanEditCommand(PlanEditor* editor, PlanEditor::State before, PlanEditor::State after, const QString& text,
                    int mergeId);

    void redo() override;
    void undo() override;
    int id() const override { return m_mergeId; }
    bool mergeWith(const QUndoCommand* other) override;

private:
    PlanEditor* m_editor;
    PlanEditor::State m_before;
    PlanEditor::State m_after;
    int m_mergeId;
};
