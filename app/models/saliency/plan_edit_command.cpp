#include "plan_edit_command.h"

PlanEditCommand::PlanEditCommand(PlanEditor* editor, PlanEditor::State before, PlanEditor::State after,
                                 const QString& text, int mergeId)
    : QUndoCommand(text)
    , m_editor(editor)
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_mergeId(mergeId)
{
}

void PlanEditCommand::redo()
{
    m_editor->applyState(m_after);
}

void PlanEditCommand::undo()
{
    m_editor->applyState(m_before);
}

bool PlanEditCommand::mergeWith(const QUndoCommand* other)
{
    if (m_mergeId == NoMerge || other->id() != m_mergeId)
        return false;
    const auto* next = static_cast<const PlanEditCommand*>(other);
    m_after = next->m_after;
    setText(next->text());
    setObsolete(m_after == m_before);
    return true;
}
