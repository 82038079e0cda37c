// The migration wizard's four steps in the dark theme (see migrationWizardFlow.mjs).
import { wizardTests, wizardWorkbench } from './migrationWizardFlow.mjs';

const setup = wizardWorkbench('Default Dark Modern');
export const workbench = setup.workbench;
export const tests = wizardTests(setup.state);
