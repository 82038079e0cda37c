// The migration wizard's four steps in the light theme (see migrationWizardFlow.mjs).
import { wizardTests, wizardWorkbench } from './migrationWizardFlow.mjs';

const setup = wizardWorkbench('Default Light Modern');
export const workbench = setup.workbench;
export const tests = wizardTests(setup.state);
