import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CitizenActor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import { citizenOnly } from '../../identity/guards.js';
import { fullName, readPersonal } from '../applications/application-content.js';
import { recruitmentPaths } from '../paths.js';
import { listSectionPage, personalPage, saveList, savePersonal, view, type SectionTarget } from './content-sections.js';
import { listKinds, listSections, type ListSection } from './list-kinds.js';
import type { ApplyingRepository } from './repository.js';
import { rightToWorkNames } from './schemas.js';

const paths = recruitmentPaths.applicant;
type SectionRequest = FastifyRequest<{
  Params: { section: string };
  Querystring: Record<string, string>;
  Body: Record<string, unknown>;
}>;

export interface ProfileRouteDependencies {
  repository: ApplyingRepository;
  clock: () => Date;
}

/** The applicant's reusable profile, which pre-fills every application they start. */
export function registerProfileRoutes(app: FastifyInstance, { repository, clock }: ProfileRouteDependencies): void {
  async function targetFor(actor: CitizenActor): Promise<SectionTarget> {
    const profile = await repository.profileOf(actor.citizenId);
    const content = {
      personal: profile?.personal ?? { email: actor.email },
      employment_history: profile?.employment_history ?? [],
      qualifications: profile?.qualifications ?? [],
      referees: profile?.referees ?? [],
    };
    return {
      kind: 'profile',
      content,
      href: (section) => paths.profileSection({ section }),
      home: paths.profile,
      caption: 'Your profile',
      save: (_section, columns) => repository.saveProfile(actor.citizenId, columns, clock()),
    };
  }

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get(paths.profile, async (request, reply) => {
      const actor = request.actor as CitizenActor;
      const target = await targetFor(actor);
      const personal = readPersonal(target.content.personal);
      return reply.render(view('profile'), {
        pageTitle: 'Your profile',
        currentSection: 'jobs',
        personalRows: [
          { key: 'Name', value: fullName(personal) },
          { key: 'Email address', value: personal.email },
          { key: 'Phone number', value: personal.phone },
          { key: 'Address', value: [personal.address, personal.postcode].filter(Boolean).join(', ') },
          { key: 'Right to work in the UK', value: rightToWorkNames[personal.right_to_work] ?? '' },
        ],
        personalHref: paths.profileSection({ section: 'personal' }),
        lists: listSections.map((section) => ({
          heading: listKinds[section].heading,
          href: paths.profileSection({ section }),
          titles: listKinds[section].read(target.content).map((item) => listKinds[section].title(item)),
        })),
        applicationsHref: paths.applications,
      });
    });

    scope.get(paths.profileSection.pattern, async (request: SectionRequest, reply) => {
      const target = await targetFor(request.actor as CitizenActor);
      const { section } = request.params;
      if (section === 'personal') return personalPage(reply, target);
      if (!listSections.includes(section as ListSection)) throw new NotFoundError();
      return listSectionPage(reply, target, section as ListSection, request.query, clock());
    });

    scope.post(paths.profileSection.pattern, async (request: SectionRequest, reply) => {
      const target = await targetFor(request.actor as CitizenActor);
      const { section } = request.params;
      const body = request.body ?? {};
      if (section === 'personal') return savePersonal(reply, target, body);
      if (!listSections.includes(section as ListSection)) throw new NotFoundError();
      return saveList(reply, target, section as ListSection, body, clock());
    });
  });
}
