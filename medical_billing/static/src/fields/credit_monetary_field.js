import { registry } from "@web/core/registry";
import { formatMonetary } from "@web/views/fields/formatters";
import { MonetaryField, monetaryField } from "@web/views/fields/monetary/monetary_field";

/**
 * An amount owed as a practice reads it: a credit (a negative amount owed) shows in
 * parentheses, "(10.80)", instead of with a minus sign.
 */
export class CreditMonetaryField extends MonetaryField {
    get formattedValue() {
        if (!this.props.readonly || !(this.value < 0)) {
            return super.formattedValue;
        }
        const amount = formatMonetary(-this.value, {
            digits: this.currencyDigits,
            currencyId: this.currencyId,
            noSymbol: this.props.hideSymbol,
        });
        return `(${amount})`;
    }
}

registry.category("fields").add("medical_credit_monetary", {
    ...monetaryField,
    component: CreditMonetaryField,
});
