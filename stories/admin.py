from django.contrib import admin

from .models import (
    Newsletter,
    NewsletterDelivery,
    NewsletterItem,
    NewsletterSubscription,
    SessionSlot,
    ShowAndTellSession,
    Story,
    StoryEvent,
    StoryImage,
    StoryMetric,
    StoryQuote,
    Tag,
)


class StoryMetricInline(admin.TabularInline):
    model = StoryMetric
    extra = 0


class StoryImageInline(admin.TabularInline):
    model = StoryImage
    extra = 0
    fields = ["image", "caption", "position", "width", "height"]
    readonly_fields = ["image", "width", "height"]  # uploads go through the checked story form

    def has_add_permission(self, request, obj=None):
        return False


class StoryQuoteInline(admin.TabularInline):
    model = StoryQuote
    extra = 0


class StoryEventInline(admin.TabularInline):
    model = StoryEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "business_unit", "status", "published_at"]
    list_filter = ["status", "solution_kind", "business_unit"]
    list_select_related = ["author", "business_unit"]
    search_fields = ["title", "overview"]
    autocomplete_fields = ["author", "business_unit", "solution", "reviewer"]
    # The review state changes only through the workflow (with its events, audit and e-mail).
    readonly_fields = ["status", "submitted_at", "published_at", "rejection_reason"]
    inlines = [StoryMetricInline, StoryQuoteInline, StoryImageInline, StoryEventInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SessionSlotInline(admin.TabularInline):
    model = SessionSlot
    extra = 0
    autocomplete_fields = ["story", "presenter"]


@admin.register(ShowAndTellSession)
class ShowAndTellSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "host"]
    list_select_related = ["host"]
    inlines = [SessionSlotInline]


class NewsletterItemInline(admin.TabularInline):
    model = NewsletterItem
    extra = 0
    autocomplete_fields = ["story"]


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "sent_at", "sent_count"]
    readonly_fields = ["status", "send_started_at", "sent_at", "sent_count", "base_url"]
    inlines = [NewsletterItemInline]


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ["newsletter", "email", "status", "attempts", "sent_at", "error"]
    list_filter = ["status"]
    list_select_related = ["newsletter"]
    readonly_fields = [f.name for f in NewsletterDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "is_active", "subscribed_at", "unsubscribed_at"]
    list_select_related = ["user"]
    list_filter = ["is_active"]
