package com.callcenter.lisa.web;

/** A query parameter or request field the API cannot use (a listing's limit or cursor, an API key's roles). */
class InvalidQueryException extends RuntimeException {

    InvalidQueryException(String message) {
        super(message);
    }
}
