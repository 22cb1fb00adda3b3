package com.callcenter.lisa.web;

import com.callcenter.lisa.text.IncomingText;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string from the app that the conversation store can keep: no NUL and no unpaired surrogate (see
 * {@link IncomingText#firstUnstorable}). Refused as {@code invalid-text}; {@code null} is left to
 * other constraints.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StorableText.Validator.class)
@interface StorableText {

    String message() default "contains a character that cannot be stored (NUL or an unpaired UTF-16 surrogate)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<StorableText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || IncomingText.isStorable(value);
        }
    }
}
