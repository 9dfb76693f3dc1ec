"""Pages: a person's notifications and settings, the unsubscribe link, and the CoE's Teams channels
and delivery failures. Every view asks accounts.policy; logic lives in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView

from accounts.policy import PolicyRequiredMixin

from . import services
from .forms import NotificationSettingsForm, TeamsChannelForm
from .models import Notification, TeamsChannel


class NotificationListView(PolicyRequiredMixin, ListView):
    """The signed-in person's notifications, newest first (the bell links here)."""

    permission_action = "notifications.view_own"
    template_name = "notifications/notification_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.for_person(self.request.user).only(
            "uuid", "kind", "title", "body", "created_at", "read_at"
        )


class UnreadCountView(PolicyRequiredMixin, View):
    """The bell's figure as JSON: one count on the partial "unread" index, capped at 100 so that
    it stays cheap for someone who never reads them."""

    permission_action = "notifications.view_own"

    def get(self, request):
        unread = len(
            Notification.objects.for_person(request.user)
            .unread()
            .values_list("pk", flat=True)[:100]
        )
        label = ngettext("Notifications: %(n)s unread", "Notifications: %(n)s unread", unread) % {
            "n": unread
        }
        response = JsonResponse({"unread": unread, "label": label})
        response["Cache-Control"] = "no-store"
        return response


class NotificationOpenView(PolicyRequiredMixin, View):
    """Opening a notification marks it read and goes to its page."""

    permission_action = "notifications.view_own"

    def get(self, request, uuid):
        notification = get_object_or_404(Notification.objects.for_person(request.user), uuid=uuid)
        services.notification_open(notification=notification)
        link = notification.link
        if link and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(link)
        return redirect("notifications:notification_list")


class NotificationsMarkAllReadView(PolicyRequiredMixin, View):
    permission_action = "notifications.manage_own"

    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(request, _("%s notifications marked read.") % count)
        return redirect("notifications:notification_list")


class NotificationSettingsView(PolicyRequiredMixin, FormView):
    """Per kind: e-mail on/off and digest; and the person's time zone for quiet hours."""

    permission_action = "notifications.view_own"
    template_name = "notifications/settings.html"
    form_class = NotificationSettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["preferences"] = services.preferences_of(self.request.user)
        kwargs["initial"] = {"time_zone": self.request.user.time_zone}
        return kwargs

    def form_valid(self, form):
        user = self.request.user
        services.time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
        for kind, email, digest in form.choices():
            services.preference_set(user=user, kind=kind, email=email, digest=digest)
        messages.success(self.request, _("Your notification settings were saved."))
        return redirect("notifications:settings")


# RFC 8058 one-click unsubscribe: the mail provider POSTs from its own servers, without our
# session or CSRF token. The signed token is the whole authority (it names one person and one
# kind), so CSRF protection has nothing to protect here.
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class UnsubscribeView(TemplateView):
    """The link in every e-mail. GET asks for confirmation (mail scanners follow links), POST
    turns that kind's e-mail off. A tampered link gets a clear 400 page."""

    template_name = "notifications/unsubscribe.html"

    def get(self, request, token):
        try:
            _user_id, kind = services.preferences.unsubscribe_read(token)
        except services.UnsubscribeLinkError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        from . import kinds

        return render(request, self.template_name, {"kind_label": kinds.label(kind)})

    def post(self, request, token):
        try:
            _user, kind = services.unsubscribe(token=token)
        except services.UnsubscribeLinkError as error:
            return render(request, self.template_name, {"error": str(error)}, status=400)
        from . import kinds

        return render(request, self.template_name, {"kind_label": kinds.label(kind), "done": True})


class ChannelListView(PolicyRequiredMixin, ListView):
    """The CoE's Teams channels with their routes and last test results."""

    permission_action = "notifications.manage_channels"
    template_name = "notifications/channel_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            TeamsChannel.objects.select_related("business_unit")
            .prefetch_related("routes")
            .annotate(failed_count=Count("notifications", filter=Q(notifications__status="failed")))
            .order_by("business_unit__name", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_tests"] = (
            Notification.objects.filter(channel__isnull=False, kind="channel_test")
            .select_related("channel")
            .order_by("-created_at")[:5]
        )
        return context


class ChannelCreateView(PolicyRequiredMixin, FormView):
    permission_action = "notifications.manage_channels"
    template_name = "notifications/channel_form.html"
    form_class = TeamsChannelForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "require_url": True}

    def form_valid(self, form):
        channel = services.channel_save(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Channel “%s” saved.") % channel.name)
        return redirect("notifications:channel_list")


class ChannelUpdateView(PolicyRequiredMixin, FormView):
    permission_action = "notifications.manage_channels"
    template_name = "notifications/channel_form.html"
    form_class = TeamsChannelForm

    def dispatch(self, request, *args, **kwargs):
        self.channel = get_object_or_404(TeamsChannel, uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "require_url": False}
        kwargs["initial"] = {
            "name": self.channel.name,
            "business_unit": self.channel.business_unit,
            "route_kinds": [r.kind for r in self.channel.routes.all()],
        }
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "channel": self.channel}

    def form_valid(self, form):
        services.channel_save(actor=self.request.user, channel=self.channel, **form.cleaned_data)
        messages.success(self.request, _("Channel “%s” saved.") % self.channel.name)
        return redirect("notifications:channel_list")


class ChannelTestView(PolicyRequiredMixin, View):
    """POST: queue a test card for the channel."""

    permission_action = "notifications.manage_channels"

    def post(self, request, uuid):
        channel = get_object_or_404(TeamsChannel, uuid=uuid)
        services.channel_test(channel=channel, actor=request.user)
        messages.info(
            request,
            _("A test message is on its way to “%s”; its result shows below.") % channel.name,
        )
        return redirect("notifications:channel_list")


class FailureListView(PolicyRequiredMixin, ListView):
    """Deliveries that finally failed (e-mail and Teams), newest first, with their reason."""

    permission_action = "notifications.view_failures"
    template_name = "notifications/failure_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.failed().select_related("recipient", "channel")


class FailureRetryView(PolicyRequiredMixin, View):
    permission_action = "notifications.view_failures"

    def post(self, request, uuid):
        notification = get_object_or_404(Notification.objects.failed(), uuid=uuid)
        services.notification_retry(notification=notification, actor=request.user)
        messages.success(request, _("Queued again."))
        return redirect("notifications:failure_list")
