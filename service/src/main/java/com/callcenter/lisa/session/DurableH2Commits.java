package com.callcenter.lisa.session;

import com.zaxxer.hikari.HikariDataSource;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * A 200 means stored, also on H2: every commit is written to the database file before it returns.
 *
 * <p>H2 (2.x, MVStore) writes committed changes to its file lazily by default, up to {@code WRITE_DELAY}
 * (500 ms) later; a process killed in between loses turns it had already answered. {@code WRITE_DELAY=0}
 * makes each commit write its changes before returning. It is a setting of the whole database, and H2
 * applies the settings of a connection's URL each time a connection opens, so one connection whose URL
 * says otherwise would switch lazy commits back on for all of them. Therefore every connection's URL is
 * made to say {@code WRITE_DELAY=0}, whatever H2 URL the operator gave (an own {@code WRITE_DELAY} in it
 * is replaced). This survives a killed process; the operating system's own crash or a power cut is
 * beyond it (H2 does not fsync each commit; use PostgreSQL for that).
 */
@Component
class DurableH2Commits implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(DurableH2Commits.class);
    private static final Pattern WRITE_DELAY = Pattern.compile(";\\s*WRITE_DELAY\\s*=[^;]*", Pattern.CASE_INSENSITIVE);
    static final String DURABLE = ";WRITE_DELAY=0";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null && isH2(pool.getJdbcUrl())) {
            String url = durable(pool.getJdbcUrl());
            if (!url.equals(pool.getJdbcUrl())) {
                pool.setJdbcUrl(url);
                log.debug("H2 commits made durable: WRITE_DELAY=0 on every connection");
            }
        }
        return bean;
    }

    static boolean isH2(String url) {
        return url.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length());
    }

    /** The URL with {@code WRITE_DELAY=0} as its only write delay. */
    static String durable(String url) {
        return WRITE_DELAY.matcher(url).replaceAll("") + DURABLE;
    }
}
