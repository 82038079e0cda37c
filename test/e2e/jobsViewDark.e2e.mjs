// The Jobs view, a run's transcript and the status bar in the dark theme (see jobsViewFlow.mjs).
import { jobsViewTests, jobsViewWorkbench } from './jobsViewFlow.mjs';

const setup = jobsViewWorkbench('Default Dark Modern');
export const workbench = setup.workbench;
export const tests = jobsViewTests(setup.state);
