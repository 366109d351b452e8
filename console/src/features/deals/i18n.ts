import { withCatalog, type KeyOf } from '../../lib/i18n';

/** The deal page's, the board's and the pipeline editor's strings in English, shipped in the route's own chunk rather than with every first screen. */
export const en = {
  'deals.pickedUp': 'Picked up {name}. Left and right arrows move it to another stage, Space drops it, Escape cancels.',
  'deals.over': '{name} is over {stage}',
  'deals.dropped': '{name} dropped on {stage}',
  'deals.dragCancelled': 'Moving {name} was cancelled',
  'deals.dragInstructions':
    'Press Space or Enter to pick up the deal, the left and right arrows to move it to another stage, Space or Enter to drop it, Escape to cancel.',
  'deals.amountInvalid': "Enter an amount of the deal's currency, like 1250.00",
  'deals.column': '{stage} stage',
  'deals.contacts': 'Contacts',
  'deals.createInvoice': 'Create invoice',
  'deals.description': 'Description',
  'deals.draggable': 'draggable deal',
  'deals.expectedClose': 'Expected close',
  'deals.linked': 'Company and contacts',
  'deals.lostTitle': 'Why was {name} lost?',
  'deals.markLost': 'Mark as lost',
  'deals.moved': '{name} moved to {stage}',
  'deals.new': 'New deal',
  'deals.pipeline': 'Pipeline',
  'deals.stage': 'Stage',
  'deals.total': '{amount} · weighted {weighted}',
  'pipelines.addStage': 'Add stage',
  'pipelines.drag': 'Move stage {position}, {name}',
  'pipelines.edit': 'Edit pipeline',
  'pipelines.kind': 'Stage {position} kind',
  'pipelines.kind.lost': 'Lost',
  'pipelines.kind.open': 'Open',
  'pipelines.kind.won': 'Won',
  'pipelines.name': 'Pipeline name',
  'pipelines.newStage': 'New stage',
  'pipelines.probability': 'Stage {position} probability (%)',
  'pipelines.remove': 'Remove stage {name}',
  'pipelines.save': 'Save pipeline',
  'pipelines.saved': '{name} saved',
  'pipelines.stageName': 'Stage {position} name',
  'pipelines.stages': 'Stages',
  'pipelines.title': 'Pipeline editor',
};

export const t = withCatalog(en);
export type MessageKey = KeyOf<typeof t>;
