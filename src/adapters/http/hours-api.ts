import type { OfficeHoursService } from '../../services/office-hours-service.js';
import type { HoursService } from './deps.js';

/** The office-hours service as the API sees it (one adapter for the app, its tests and the benchmark). */
export function hoursApi(service: OfficeHoursService): HoursService {
  return {
    getOverride: async () => service.getOverride(),
    setOverride: (mode, actor) => service.setOverride(mode, actor),
    status: async (at) => {
      const s = service.status(at);
      return { open: s.open, mode: s.mode, ...(s.nextOpening ? { nextOpening: s.nextOpening } : {}) };
    },
    calendar: (at) => service.calendar(at),
    setHotlineHours: (hours, actor) => service.setHotlineHours(hours, actor),
    addHoliday: (input, actor) => service.addHoliday(input, actor),
    removeHoliday: (id, actor) => service.removeHoliday(id, actor),
    setDistrictHours: (id, weekly, actor) => service.setDistrictHours(id, weekly, actor),
    warnings: (at) => service.warnings(at),
  };
}
