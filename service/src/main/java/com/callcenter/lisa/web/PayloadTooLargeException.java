package com.callcenter.lisa.web;

import java.io.IOException;

/** Raised while reading a body without a Content-Length once it passes the size limit. */
class PayloadTooLargeException extends IOException {

    PayloadTooLargeException(long limit) {
        super("The request body is larger than " + limit + " bytes.");
    }
}
