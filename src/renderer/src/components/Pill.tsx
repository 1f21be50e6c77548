import { KIND_LABEL, PRIORITY_LABEL, STATUS_LABEL, type ItemKind, type Priority, type Status } from '../../../shared/domain/vocabulary'

export const StatusPill = ({ status }: { status: Status }) => <span className={`pill status-${status}`}>{STATUS_LABEL[status]}</span>
export const PriorityPill = ({ priority }: { priority: Priority }) => <span className={`pill priority-${priority}`}>{PRIORITY_LABEL[priority]}</span>
export const KindPill = ({ kind }: { kind: ItemKind }) => <span className={`kind kind-${kind}`}>{KIND_LABEL[kind]}</span>
