"""Writes for organisations: applications and their review, profiles, people, working groups."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from skillspact.accounts import selectors as account_selectors
from skillspact.accounts.models import User
from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import ensure_secretariat, is_secretariat
from skillspact.core.uploads import validate_document
from skillspact.core.validation import full_clean as _full_clean
from skillspact.organisations import normalise, regions, selectors
from skillspact.organisations.models import (
    Affiliation,
    ApplicationMessage,
    Interest,
    Invitation,
    MembershipApplication,
    Organisation,
    WorkingGroup,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupMembership,
)

# The organisation fields an applicant fills in and a contact may later change.
PROFILE_FIELDS = [
    "legal_name",
    "acronym",
    "stakeholder_type",
    "country",
    "nuts2",
    "size_band",
    "website",
    "description",
]
APPLICATION_FIELDS = [
    *PROFILE_FIELDS,
    "pact_registration_ref",
    "has_consented_to_charter",
    "motivation",
]


class DuplicateOrganisation(DomainError):
    code = "duplicate_organisation"
    status = 409


def _validate_region(instance: Any) -> None:
    if instance.nuts2:
        instance.nuts2 = instance.nuts2.strip().upper()
        if not regions.is_valid_region(instance.nuts2, str(instance.country)):
            raise InvalidInput(
                _("%(code)s is not a NUTS-2 region of the chosen country.")
                % {"code": instance.nuts2},
                fields={"nuts2": [_("Choose a region of the chosen country.")]},
            )


# -- membership applications -------------------------------------------------------------------


@transaction.atomic
def application_save(
    *,
    actor: User,
    data: dict[str, Any],
    interests: list[Interest] | None = None,
    application: MembershipApplication | None = None,
) -> MembershipApplication:
    """Create or update an application while it is a draft or awaits more information."""
    if application is None:
        application = MembershipApplication(applicant=actor)
    else:
        application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
        if application.applicant_id != actor.pk:
            raise NotPermitted
        if not application.is_editable:
            raise InvalidState(_("This application can no longer be changed."))
    for name in APPLICATION_FIELDS:
        if name in data:
            value = data[name]
            setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.website_domain = normalise.website_domain(application.website)
    # A draft may be incomplete: check only the fields that are filled in.
    blank_required = [
        name
        for name in ("legal_name", "stakeholder_type", "country")
        if not getattr(application, name)
    ]
    _full_clean(application, exclude=["applicant", *blank_required])
    if application.country:
        _validate_region(application)
    is_new = application.pk is None
    application.save()
    if interests is not None:
        application.interests.set(interests)
    if is_new:
        audit.record(application, "organisations.application.created", actor=actor)
    return application


def application_duplicates(application: MembershipApplication) -> list[str]:
    """Names of members or open applications that look like the same organisation."""
    found: list[str] = []
    domain = application.website_domain
    key = normalise.name_key(application.legal_name)
    members = Organisation.objects.filter(status=Organisation.Status.MEMBER)
    others = MembershipApplication.objects.filter(
        status__in=MembershipApplication.OPEN_STATUSES
    ).exclude(pk=application.pk)
    if domain:
        found += [
            str(name)
            for name in members.filter(website_domain=domain).values_list("legal_name", flat=True)
        ]
        found += [
            str(name)
            for name in others.filter(website_domain=domain).values_list("legal_name", flat=True)
        ]
    if key:
        # Compare names within the same country, or with the same first word elsewhere.
        first_word = key.split()[0]
        for name in members.filter(
            Q(country=application.country) | Q(legal_name__icontains=first_word)
        ).values_list("legal_name", flat=True):
            if normalise.names_are_near_identical(application.legal_name, name):
                found.append(name)
        for name in others.filter(
            Q(country=application.country) | Q(legal_name__icontains=first_word)
        ).values_list("legal_name", flat=True):
            if normalise.names_are_near_identical(application.legal_name, name):
                found.append(name)
    return sorted(set(found))


@transaction.atomic
def application_submit(
    *, application: MembershipApplication, actor: User, reply: str = ""
) -> MembershipApplication:
    """Send a complete application to the secretariat's review queue."""
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise NotPermitted
    if not application.is_editable:
        raise InvalidState(_("This application has already been submitted."))
    missing: dict[str, list[str]] = {}
    for name in ("legal_name", "stakeholder_type", "country", "pact_registration_ref"):
        if not getattr(application, name):
            missing[name] = [_("This field is required to submit.")]
    if not application.has_consented_to_charter:
        missing["has_consented_to_charter"] = [
            _("The partnership’s charter must be accepted to join.")
        ]
    if missing:
        raise InvalidInput(
            _("Some required information is missing; the fields are marked below."),
            fields=missing,
        )
    duplicates = application_duplicates(application)
    if duplicates:
        raise DuplicateOrganisation(
            _(
                "This organisation seems to be a member already or under review: %(names)s. "
                "Ask one of its contacts to invite you instead."
            )
            % {"names": "; ".join(duplicates)}
        )
    was_waiting = application.status == MembershipApplication.Status.INFO_REQUESTED
    application.status = MembershipApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    if reply.strip():
        ApplicationMessage.objects.create(
            application=application,
            author=actor,
            kind=ApplicationMessage.Kind.REPLY,
            text=reply.strip()[:4000],
        )
    audit.record(
        application,
        "organisations.application.resubmitted"
        if was_waiting
        else "organisations.application.submitted",
        actor=actor,
    )
    emails.send_templated(
        "organisations/emails/application_submitted_secretariat.txt",
        to=account_selectors.secretariat_emails(),
        context={
            "application": application,
            "link": reverse("organisations:review_detail", args=[application.public_id]),
        },
    )
    emails.send_templated(
        "organisations/emails/application_status.txt",
        to=[actor.email],
        context={"application": application, "link": _application_link(application)},
    )
    return application


def _application_link(application: MembershipApplication) -> str:
    return reverse("organisations:application_detail", args=[application.public_id])


def _review_lock(application: MembershipApplication, actor: User) -> MembershipApplication:
    ensure_secretariat(actor)
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != MembershipApplication.Status.SUBMITTED:
        raise InvalidState(
            _("Only a submitted application awaiting review can be decided; this one is “%(s)s”.")
            % {"s": locked.get_status_display()}
        )
    return locked


def _notify_applicant(application: MembershipApplication) -> None:
    if application.applicant is not None:
        emails.send_templated(
            "organisations/emails/application_status.txt",
            to=[application.applicant.email],
            context={"application": application, "link": _application_link(application)},
        )


@transaction.atomic
def application_request_info(
    *, application: MembershipApplication, actor: User, message: str
) -> MembershipApplication:
    """Ask the applicant for more information; the application goes back to them to edit."""
    application = _review_lock(application, actor)
    if not message.strip():
        raise InvalidInput(
            _("Say what information is missing."),
            fields={"message": [_("This field is required.")]},
        )
    application.status = MembershipApplication.Status.INFO_REQUESTED
    application.save(update_fields=["status", "updated_at"])
    ApplicationMessage.objects.create(
        application=application,
        author=actor,
        kind=ApplicationMessage.Kind.INFO_REQUEST,
        text=message.strip()[:4000],
    )
    audit.record(
        application, "organisations.application.info_requested", actor=actor, message=message
    )
    _notify_applicant(application)
    return application


def _unique_slug(name: str, acronym: str) -> str:
    base = slugify(acronym or name)[:60] or "organisation"
    if acronym and Organisation.objects.filter(slug=base).exists():
        base = slugify(f"{acronym} {name}")[:100]
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def application_approve(
    *, application: MembershipApplication, actor: User, message: str = ""
) -> Organisation:
    """Approve an application: the organisation becomes a member, the applicant its contact."""
    application = _review_lock(application, actor)
    now = timezone.now()
    organisation = Organisation(
        **{name: getattr(application, name) for name in PROFILE_FIELDS},
        slug=_unique_slug(application.legal_name, application.acronym),
        status=Organisation.Status.MEMBER,
        website_domain=application.website_domain,
        pact_registration_ref=application.pact_registration_ref,
        joined_at=now,
    )
    organisation.search_text = normalise.search_text(
        organisation.legal_name, organisation.acronym, organisation.description
    )
    _full_clean(organisation)
    organisation.save()
    organisation.interests.set(application.interests.all())
    if application.applicant is not None:
        Affiliation.objects.create(
            organisation=organisation, user=application.applicant, role=Affiliation.Role.CONTACT
        )
    application.status = MembershipApplication.Status.APPROVED
    application.decided_at = now
    application.decided_by = actor
    application.decision_reason = message.strip()
    application.organisation = organisation
    application.save()
    ApplicationMessage.objects.create(
        application=application,
        author=actor,
        kind=ApplicationMessage.Kind.DECISION,
        text=message.strip() or _("Approved. Welcome to the partnership."),
    )
    transaction.on_commit(selectors.directory_stats_forget)
    audit.record(
        application, "organisations.application.approved", actor=actor, organisation=organisation
    )
    audit.record(
        organisation,
        "organisations.organisation.joined",
        actor=actor,
        organisation=organisation,
        after=audit.snapshot(organisation, [*PROFILE_FIELDS, "status"]),
    )
    _notify_applicant(application)
    return organisation


@transaction.atomic
def application_reject(
    *, application: MembershipApplication, actor: User, reason: str
) -> MembershipApplication:
    """Reject an application with a reason the applicant will read."""
    application = _review_lock(application, actor)
    if not reason.strip():
        raise InvalidInput(
            _("Give the applicant a reason for the rejection."),
            fields={"reason": [_("This field is required.")]},
        )
    application.status = MembershipApplication.Status.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason.strip()
    application.save()
    ApplicationMessage.objects.create(
        application=application,
        author=actor,
        kind=ApplicationMessage.Kind.DECISION,
        text=reason.strip()[:4000],
    )
    audit.record(application, "organisations.application.rejected", actor=actor, message=reason)
    _notify_applicant(application)
    return application


@transaction.atomic
def application_withdraw(
    *, application: MembershipApplication, actor: User
) -> MembershipApplication:
    """The applicant withdraws an application that is not decided yet."""
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise NotPermitted
    if application.status not in (
        MembershipApplication.Status.DRAFT,
        *MembershipApplication.OPEN_STATUSES,
    ):
        raise InvalidState(_("A decided application cannot be withdrawn."))
    application.status = MembershipApplication.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record(application, "organisations.application.withdrawn", actor=actor)
    return application


# -- organisations and their people ------------------------------------------------------------


def _ensure_can_act_for(actor: User, organisation: Organisation) -> None:
    selectors.ensure_can_act_for(
        user=actor,
        organisation=organisation,
        message=_("Only a contact of this organisation or the secretariat can do this."),
    )


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: User,
    data: dict[str, Any],
    interests: list[Interest] | None = None,
    networks: list[Organisation] | None = None,
) -> Organisation:
    """Change an organisation's profile; the audit log keeps what changed."""
    _ensure_can_act_for(actor, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    tracked = [*PROFILE_FIELDS, "is_listed"]
    before = audit.snapshot(organisation, tracked)
    before["interests"] = sorted(organisation.interests.values_list("slug", flat=True))
    before["networks"] = sorted(organisation.networks.values_list("slug", flat=True))
    for name in tracked:
        if name in data:
            value = data[name]
            setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    organisation.website_domain = normalise.website_domain(organisation.website)
    organisation.search_text = normalise.search_text(
        organisation.legal_name, organisation.acronym, organisation.description
    )
    _full_clean(organisation)
    _validate_region(organisation)
    organisation.save()
    if interests is not None:
        organisation.interests.set(interests)
    if networks is not None:
        if any(network.pk == organisation.pk for network in networks):
            raise InvalidInput(
                _("An organisation cannot be a member of itself."),
                fields={"networks": [_("Remove the organisation itself from its networks.")]},
            )
        organisation.networks.set(networks)
    after = audit.snapshot(organisation, tracked)
    after["interests"] = sorted(organisation.interests.values_list("slug", flat=True))
    after["networks"] = sorted(organisation.networks.values_list("slug", flat=True))
    old, new = audit.changed(before, after)
    if new:
        transaction.on_commit(selectors.directory_stats_forget)
        audit.record(
            organisation,
            "organisations.organisation.updated",
            actor=actor,
            organisation=organisation,
            before=old,
            after=new,
        )
    return organisation


@transaction.atomic
def organisation_leave(
    *, organisation: Organisation, actor: User, reason: str = ""
) -> Organisation:
    """The organisation leaves the partnership: off the directory and out of working groups."""
    _ensure_can_act_for(actor, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.MEMBER:
        raise InvalidState(_("This organisation is not a member."))
    organisation.status = Organisation.Status.LEFT
    organisation.left_at = timezone.now()
    organisation.save(update_fields=["status", "left_at", "updated_at"])
    WorkingGroupMembership.objects.filter(organisation=organisation).delete()
    transaction.on_commit(selectors.directory_stats_forget)
    audit.record(
        organisation,
        "organisations.organisation.left",
        actor=actor,
        organisation=organisation,
        before={"status": "member"},
        after={"status": "left"},
        message=reason,
    )
    emails.send_templated(
        "organisations/emails/organisation_left.txt",
        to=account_selectors.secretariat_emails(),
        context={"organisation": organisation, "reason": reason},
    )
    return organisation


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, actor: User, email: str, role: str = Affiliation.Role.CONTACT
) -> Invitation:
    """Invite a colleague by e-mail to act for (contact) or belong to (member) the organisation."""
    _ensure_can_act_for(actor, organisation)
    if not organisation.is_member:
        raise InvalidState(_("Only a member organisation can invite people."))
    email = email.strip().lower()
    if organisation.affiliations.filter(user__email__iexact=email).exists():
        raise InvalidInput(
            _("%(email)s is already linked to this organisation.") % {"email": email},
            fields={"email": [_("This person is already linked to the organisation.")]},
        )
    pending = organisation.invitations.filter(
        email__iexact=email, status=Invitation.Status.PENDING
    ).first()
    if pending is not None:
        # Asking again refreshes the old invitation instead of failing.
        pending.status = Invitation.Status.REVOKED
        pending.save(update_fields=["status", "updated_at"])
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=actor)
    _full_clean(invitation)
    invitation.save()
    audit.record(
        invitation,
        "organisations.invitation.created",
        actor=actor,
        organisation=organisation,
        after={"email": email, "role": role},
    )
    emails.send_templated(
        "organisations/emails/invitation.txt",
        to=[email],
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter": actor,
            "link": reverse("organisations:invitation_accept", args=[invitation.public_id]),
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Withdraw an invitation that has not been accepted."""
    _ensure_can_act_for(actor, invitation.organisation)
    if invitation.status != Invitation.Status.PENDING:
        raise InvalidState(_("This invitation is no longer pending."))
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status", "updated_at"])
    audit.record(
        invitation,
        "organisations.invitation.revoked",
        actor=actor,
        organisation=invitation.organisation,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Affiliation:
    """The invited person accepts: they become a contact or member of the organisation."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise InvalidState(_("This invitation has expired or was withdrawn. Ask for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise NotPermitted(
            _("This invitation was sent to %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    affiliation, created = Affiliation.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Affiliation.Role.CONTACT:
        affiliation.role = Affiliation.Role.CONTACT
        affiliation.save(update_fields=["role"])
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_by", "updated_at"])
    if not user.has_confirmed_email:
        # The invitation link reached this address, which confirms it.
        user.has_confirmed_email = True
        user.save(update_fields=["has_confirmed_email"])
    audit.record(
        affiliation.organisation,
        "organisations.affiliation.added",
        actor=user,
        organisation=invitation.organisation,
        after={"person": user.email, "role": affiliation.role},
    )
    return affiliation


@transaction.atomic
def affiliation_remove(*, affiliation: Affiliation, actor: User) -> None:
    """Remove a person from an organisation; its last contact cannot be removed."""
    organisation = Organisation.objects.select_for_update().get(pk=affiliation.organisation_id)
    if affiliation.user_id != actor.pk:
        _ensure_can_act_for(actor, organisation)
    if (
        affiliation.role == Affiliation.Role.CONTACT
        and organisation.affiliations.filter(role=Affiliation.Role.CONTACT).count() == 1
        and organisation.is_member
    ):
        raise InvalidState(
            _("%(name)s is the organisation’s only contact. Invite another contact first.")
            % {"name": affiliation.user}
        )
    audit.record(
        organisation,
        "organisations.affiliation.removed",
        actor=actor,
        organisation=organisation,
        before={"person": affiliation.user.email, "role": affiliation.role},
    )
    affiliation.delete()


# -- working groups ----------------------------------------------------------------------------


def _unique_group_slug(name: str) -> str:
    base = slugify(name)[:100] or "group"
    slug, number = base, 2
    while WorkingGroup.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@transaction.atomic
def working_group_create(*, actor: User, name: str, description: str = "") -> WorkingGroup:
    """The secretariat opens a thematic working group."""
    ensure_secretariat(actor)
    group = WorkingGroup(
        name=name.strip(), description=description.strip(), slug=_unique_group_slug(name)
    )
    _full_clean(group)
    group.save()
    audit.record(group, "organisations.working_group.created", actor=actor)
    return group


@transaction.atomic
def working_group_update(
    *, group: WorkingGroup, actor: User, name: str, description: str, is_active: bool
) -> WorkingGroup:
    """The secretariat renames, describes, closes or reopens a working group."""
    ensure_secretariat(actor)
    before = audit.snapshot(group, ["name", "description", "is_active"])
    group.name, group.description, group.is_active = name.strip(), description.strip(), is_active
    _full_clean(group)
    group.save()
    old, new = audit.changed(before, audit.snapshot(group, ["name", "description", "is_active"]))
    if new:
        audit.record(
            group, "organisations.working_group.updated", actor=actor, before=old, after=new
        )
    return group


@transaction.atomic
def working_group_join(
    *, group: WorkingGroup, organisation: Organisation, actor: User
) -> WorkingGroupMembership:
    """A member organisation joins an active working group."""
    _ensure_can_act_for(actor, organisation)
    if not organisation.is_member:
        raise InvalidState(_("Only member organisations can join working groups."))
    if not group.is_active:
        raise InvalidState(_("This working group is closed."))
    membership, created = WorkingGroupMembership.objects.get_or_create(
        group=group, organisation=organisation
    )
    if created:
        audit.record(
            group,
            "organisations.working_group.joined",
            actor=actor,
            organisation=organisation,
            after={"organisation": organisation.legal_name},
        )
    return membership


@transaction.atomic
def working_group_leave(*, group: WorkingGroup, organisation: Organisation, actor: User) -> None:
    """A member organisation leaves a working group."""
    _ensure_can_act_for(actor, organisation)
    deleted, _count = WorkingGroupMembership.objects.filter(
        group=group, organisation=organisation
    ).delete()
    if deleted:
        audit.record(
            group,
            "organisations.working_group.left",
            actor=actor,
            organisation=organisation,
            before={"organisation": organisation.legal_name},
        )


@transaction.atomic
def working_group_meeting_create(
    *, group: WorkingGroup, actor: User, title: str, starts_at: Any, location: str, agenda: str
) -> WorkingGroupMeeting:
    """The secretariat schedules a meeting of a working group."""
    ensure_secretariat(actor)
    meeting = WorkingGroupMeeting(
        group=group, title=title.strip(), starts_at=starts_at, location=location, agenda=agenda
    )
    _full_clean(meeting)
    meeting.save()
    audit.record(meeting, "organisations.working_group.meeting_created", actor=actor)
    return meeting


@transaction.atomic
def working_group_document_upload(
    *, group: WorkingGroup, actor: User, title: str, upload: UploadedFile
) -> WorkingGroupDocument:
    """Add a document to a working group, after checking its type, content and size."""
    if not (
        is_secretariat(actor) or selectors.working_group_is_participant(user=actor, group=group)
    ):
        raise NotPermitted(
            _("Only the group’s participants and the secretariat can add documents.")
        )
    try:
        validate_document(upload)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], fields={"file": error.messages}) from error
    document = WorkingGroupDocument(
        group=group,
        title=title.strip() or upload.name or "",
        size=upload.size or 0,
        uploaded_by=actor,
    )
    document.file.save(upload.name or "document", upload, save=False)
    _full_clean(document)
    document.save()
    audit.record(document, "organisations.working_group.document_added", actor=actor)
    return document


@transaction.atomic
def working_group_document_delete(*, document: WorkingGroupDocument, actor: User) -> None:
    """Remove a document: its uploader or the secretariat."""
    if not (is_secretariat(actor) or document.uploaded_by_id == actor.pk):
        raise NotPermitted(_("Only the person who added it or the secretariat can remove it."))
    audit.record(document, "organisations.working_group.document_removed", actor=actor)
    stored = document.file.name or ""
    storage = document.file.storage
    document.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
