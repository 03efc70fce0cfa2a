from django.contrib import admin

from congso.payments.models import Payment, PaymentCallback, TestBankTransaction


class ReadOnlyAdmin(admin.ModelAdmin):
    """Payments change only through the services and the provider's signed results."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "dossier_ref", "amount", "status", "paid_at", "provider")
    list_filter = ("status", "provider", "settled_on")
    search_fields = ("reference", "dossier_ref", "provider_transaction_id")


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "reference", "channel", "outcome", "remote_addr")
    list_filter = ("outcome", "channel")
    search_fields = ("reference",)


@admin.register(TestBankTransaction)
class TestBankTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "transaction_id", "merchant_reference", "amount", "status")
