package com.callcenter.lisa.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** @param maxRequestSize bodies larger than this are refused with 413 before they are read */
@ConfigurationProperties("lisa.web")
public record WebProperties(@DefaultValue("64KB") DataSize maxRequestSize) {
}
