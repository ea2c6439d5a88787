import type { BoundaryRepo, CallRepo, CaseRepo, DispatchRepo, DistrictRepo, SettingsRepo, UnitRepo } from '../../domain/cases/ports.js';
import { createCallRepo } from './call-repo.js';
import { createCaseRepo, type CaseRepoOptions } from './case-repo.js';
import type { Database } from './database.js';
import { createDispatchRepo, createDistrictRepo } from './district-repo.js';
import { createBoundaryRepo, createUnitRepo } from './unit-repo.js';
import { createSettingsRepo } from './settings-repo.js';
import { createHolidayRepo } from './holiday-repo.js';
import type { HolidayRepo } from '../../domain/calendar/ports.js';
import { createReportRepo } from './report-repo.js';
import type { ReportRepo } from '../../domain/reports/ports.js';
import { createAgentRepo } from './agent-repo.js';
import type { AgentActivityLog, AgentRepo } from '../../domain/agents/ports.js';
import { createAgentActivityRepo } from './agent-activity-repo.js';
import { createSessionRepo, createUserRepo } from './user-repo.js';
import type { SessionRepo, UserRepo } from '../../domain/users/user.js';
import { createCitizenRepo } from './citizen-repo.js';
import type { CitizenRepo } from '../../domain/citizens/profile.js';
import { createSupervisorPhoneRepo } from './supervisor-phone-repo.js';
import type { SupervisorPhoneRepo } from '../../domain/supervisors/phone.js';

export interface Repositories {
  cases: CaseRepo;
  calls: CallRepo;
  settings: SettingsRepo;
  users: UserRepo;
  sessions: SessionRepo;
  agents: AgentRepo;
  agentActivity: AgentActivityLog;
  supervisorPhones: SupervisorPhoneRepo;
  districts: DistrictRepo;
  dispatches: DispatchRepo;
  holidays: HolidayRepo;
  units: UnitRepo;
  boundaries: BoundaryRepo;
  reports: ReportRepo;
  citizens: CitizenRepo;
}

export function createRepositories(database: Database, opts: CaseRepoOptions = {}): Repositories {
  return {
    cases: createCaseRepo(database.db, opts),
    calls: createCallRepo(database.db),
    settings: createSettingsRepo(database.db),
    users: createUserRepo(database.db),
    sessions: createSessionRepo(database.db),
    agents: createAgentRepo(database.db),
    agentActivity: createAgentActivityRepo(database.db),
    supervisorPhones: createSupervisorPhoneRepo(database.db),
    districts: createDistrictRepo(database.db),
    dispatches: createDispatchRepo(database.db),
    holidays: createHolidayRepo(database.db),
    units: createUnitRepo(database.db),
    boundaries: createBoundaryRepo(database.db),
    reports: createReportRepo(database.db),
    citizens: createCitizenRepo(database.db),
  };
}
