from django.contrib import admin

from .models import ChannelRoute, Notification, NotificationPreference, TeamsChannel


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: filter by status "Failed" to see final failures and their reasons."""

    list_display = ["title", "kind", "recipient", "channel", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "recipient__username", "recipient__email", "error"]
    raw_id_fields = ["recipient", "channel", "digest"]
    readonly_fields = ["uuid", "claimed_at", "sent_at", "attempts", "error"]
    date_hierarchy = "created_at"


class ChannelRouteInline(admin.TabularInline):
    model = ChannelRoute
    extra = 0


@admin.register(TeamsChannel)
class TeamsChannelAdmin(admin.ModelAdmin):
    """Channels are created on the CoE's channel page (the URL is validated and encrypted there)."""

    list_display = ["name", "business_unit", "webhook_host", "is_active", "last_posted_at"]
    list_filter = ["is_active"]
    readonly_fields = ["webhook_host", "disabled_reason", "last_posted_at"]
    inlines = [ChannelRouteInline]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "digest", "updated_at"]
    list_filter = ["kind", "email", "digest"]
    raw_id_fields = ["user"]
