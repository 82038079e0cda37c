// The Jobs view, a run's transcript and the status bar in the light theme (see jobsViewFlow.mjs).
import { jobsViewTests, jobsViewWorkbench } from './jobsViewFlow.mjs';

const setup = jobsViewWorkbench('Default Light Modern');
export const workbench = setup.workbench;
export const tests = jobsViewTests(setup.state);
